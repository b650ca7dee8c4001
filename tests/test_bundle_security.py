"""Model files from anyone else: refused with the project's own errors, never executed.

Every attack starts from a real bundle (the session's tiny model, or the shipped default) and
damages it the way a bad disk, a bad download or a hostile sender would. Loading must raise
``IntegrityError`` or ``IncompatibleModelError`` with a message naming the file and what failed,
and ``python -m model info --model PATH`` must print one line and exit 4.
"""

import io
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zipfile

import joblib
import pytest
import skops.io as sio

import model.bundle as bundle
from model import IncompatibleModelError, IntegrityError, load_model
from model.cli import main


class Payload:
    """A custom class standing in for a hostile object: unpickling or building it leaves a mark."""

    marker = None

    def __setstate__(self, state):
        open(self.marker, "w").close()

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture(scope="module")
def good_bundle(tmp_path_factory, tiny_model):
    path = tmp_path_factory.mktemp("bundle") / "good.skops"
    tiny_model.save(path)
    return path


@pytest.fixture
def marker(tmp_path, monkeypatch):
    path = tmp_path / "code-ran"
    monkeypatch.setattr(Payload, "marker", str(path))
    return path


def payload_of(path):
    return sio.load(path, trusted=sio.get_untrusted_types(file=path))


def write(tmp_path, data: bytes, name="attack.skops"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def data_offset(data: bytes, name: str) -> int:
    """Where a zip member's stored bytes start (after its local header)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    n_name, n_extra = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    return info.header_offset + 30 + n_name + n_extra


def central_entry(data: bytes, name: str) -> int:
    """Offset of a member's entry in the zip central directory."""
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n_name = struct.unpack("<H", data[pos + 28 : pos + 30])[0]
        if data[pos + 46 : pos + 46 + n_name] == name.encode():
            return pos
        pos = data.find(b"PK\x01\x02", pos + 1)
    raise AssertionError(f"{name} not in the central directory")


def middle_of_largest_array(data: bytes) -> int:
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    largest = max((i for i in infos if i.filename.endswith(".npy")), key=lambda i: i.compress_size)
    return data_offset(data, largest.filename) + largest.compress_size // 2


def flipped(data: bytes, start: int, n: int = 4) -> bytes:
    b = bytearray(data)
    for i in range(start, start + n):
        b[i] ^= 0xFF
    return bytes(b)


def assert_cli_refuses(path, capsys):
    """``info --model PATH``: exit 4 and one line on stderr that names the file, no traceback."""
    assert main(["info", "--model", str(path)]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and str(path) in err
    assert "Traceback" not in err


# ---- corruption: flipped and missing bytes -------------------------------------------------

REGIONS = {
    "first local header": lambda data: 0,
    "model array data": middle_of_largest_array,
    "central directory": lambda data: data.find(b"PK\x01\x02"),
    "end of archive record": lambda data: data.rfind(b"PK\x05\x06"),
}


@pytest.mark.parametrize("region", list(REGIONS))
def test_flipped_bytes_raise_integrity_error(tmp_path, good_bundle, capsys, region):
    data = good_bundle.read_bytes()
    path = write(tmp_path, flipped(data, REGIONS[region](data)))
    with pytest.raises(IntegrityError, match="newsframe bundle") as e:
        load_model(path)
    assert str(path) in str(e.value)
    assert_cli_refuses(path, capsys)


@pytest.mark.parametrize("keep", [0, 1, 100, 0.5, -22, -1], ids=lambda k: f"keep={k}")
def test_truncated_bundle_raises_integrity_error(tmp_path, good_bundle, capsys, keep):
    data = good_bundle.read_bytes()
    n = int(len(data) * keep) if isinstance(keep, float) else keep if keep >= 0 else len(data) + keep
    path = write(tmp_path, data[:n])
    with pytest.raises(IntegrityError, match="is not a readable newsframe bundle"):
        load_model(path)
    assert_cli_refuses(path, capsys)


def test_truncated_bundle_from_the_command_line_is_one_line_exit_4(tmp_path, good_bundle):
    path = write(tmp_path, good_bundle.read_bytes()[:-1])
    r = subprocess.run([sys.executable, "-m", "model", "info", "--model", str(path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 4 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "is not a readable newsframe bundle" in r.stderr


def test_random_zip_raises_integrity_error(tmp_path, capsys):
    path = tmp_path / "random.skops"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("weights.bin", os.urandom(256))
    with pytest.raises(IntegrityError, match="is not a readable newsframe bundle .*schema.json"):
        load_model(path)
    assert_cli_refuses(path, capsys)


def schema_deflate_corrupt(data):
    # A first deflate byte of 0xFF declares the reserved block type: zlib.error on every read.
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("schema.json")
    assert info.compress_type == zipfile.ZIP_DEFLATED
    b = bytearray(data)
    b[data_offset(data, "schema.json")] = 0xFF
    return bytes(b)


def schema_unknown_compression(data):
    b = bytearray(data)
    b[central_entry(data, "schema.json") + 10 : central_entry(data, "schema.json") + 12] = struct.pack("<H", 99)
    return bytes(b)


def zip_with_schema(text):
    def build(_):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("schema.json", text)
        return buf.getvalue()

    return build


UNREADABLE_SCHEMAS = {
    "schema.json deflate stream corrupt (zlib.error)": schema_deflate_corrupt,
    "schema.json unknown compression method (NotImplementedError)": schema_unknown_compression,
    "schema.json is a JSON list (AttributeError)": zip_with_schema("[]"),
    "schema.json has no protocol (TypeError)": zip_with_schema('{"__class__": "dict", "content": {}}'),
}


@pytest.mark.parametrize("attack", list(UNREADABLE_SCHEMAS))
def test_unreadable_schema_raises_integrity_error(tmp_path, good_bundle, attack):
    path = write(tmp_path, UNREADABLE_SCHEMAS[attack](good_bundle.read_bytes()))
    with pytest.raises(IntegrityError, match="is not a readable newsframe bundle"):
        load_model(path)


# ---- foreign content: untrusted types and pickles --------------------------------------------

UNTRUSTED = {
    "os.system": (lambda: {"f": os.system}, "system"),
    "builtins.eval": (lambda: {"f": eval}, "builtins.eval"),
    "custom class": (lambda: {"x": Payload()}, "test_bundle_security.Payload"),
}


@pytest.mark.parametrize("attack", list(UNTRUSTED))
def test_untrusted_types_are_refused_before_anything_is_built(tmp_path, marker, capsys, attack):
    build, type_name = UNTRUSTED[attack]
    path = tmp_path / "untrusted.skops"
    sio.dump(build(), path)
    with pytest.raises(IntegrityError, match=f"would build types newsframe does not trust: .*{type_name}"):
        load_model(path)
    assert not marker.exists()
    assert_cli_refuses(path, capsys)


def test_a_real_bundle_with_one_hostile_object_added_is_refused(tmp_path, good_bundle, marker):
    payload = payload_of(good_bundle)
    payload["manifest"]["notes"] = Payload()
    path = tmp_path / "smuggled.skops"
    sio.dump(payload, path)
    with pytest.raises(IntegrityError, match="Payload"):
        load_model(path)
    assert not marker.exists()


@pytest.mark.parametrize("writer", ["pickle", "joblib"])
def test_pickle_renamed_skops_is_refused_and_never_unpickled(tmp_path, marker, capsys, writer):
    path = tmp_path / "model.skops"
    if writer == "pickle":
        path.write_bytes(pickle.dumps({"model": Payload()}))
    else:
        joblib.dump({"model": Payload()}, path)
    with pytest.raises(IntegrityError, match="is not a readable newsframe bundle .*not a zip file"):
        load_model(path)
    assert not marker.exists()
    assert_cli_refuses(path, capsys)


# ---- well-formed skops files that are not this release's bundles -----------------------------


def test_other_library_versions_are_refused_with_how_to_retrain(tmp_path, good_bundle, capsys):
    payload = payload_of(good_bundle)
    payload["manifest"]["versions"].update({"scikit-learn": "0.0.1", "numpy": "1.0.0"})
    path = tmp_path / "old.skops"
    sio.dump(payload, path)
    with pytest.raises(IncompatibleModelError) as e:
        load_model(path)
    msg = str(e.value)
    installed = bundle.library_versions()
    assert f"scikit-learn 0.0.1 (installed {installed['scikit-learn']})" in msg
    assert f"numpy 1.0.0 (installed {installed['numpy']})" in msg
    assert "pip install -c constraints.txt" in msg and f"python -m model train --out {path}" in msg
    assert_cli_refuses(path, capsys)


def test_other_bundle_format_is_refused_with_how_to_retrain(tmp_path, good_bundle, capsys):
    payload = payload_of(good_bundle)
    payload["format_version"] = 99
    path = tmp_path / "future.skops"
    sio.dump(payload, path)
    with pytest.raises(IncompatibleModelError, match=f"format 99; this newsframe reads format {bundle.FORMAT_VERSION}"):
        load_model(path)
    assert_cli_refuses(path, capsys)


def test_skops_file_of_something_else_is_refused(tmp_path, capsys):
    path = tmp_path / "other.skops"
    sio.dump({"weights": [1, 2, 3]}, path)
    with pytest.raises(IntegrityError, match="is a skops file but not a newsframe bundle"):
        load_model(path)
    assert_cli_refuses(path, capsys)


def _without(key):
    return lambda p: {k: v for k, v in p.items() if k != key}


MALFORMED = {
    "no manifest (KeyError)": _without("manifest"),
    "manifest is a list (AttributeError)": lambda p: {**p, "manifest": [1]},
    "versions is a list (AttributeError)": lambda p: {**p, "manifest": {"versions": [1]}},
    "no frame head (KeyError)": _without("frame"),
    "topic head is an int (AttributeError)": lambda p: {**p, "topic": 1},
    "config is an int (TypeError)": lambda p: {**p, "config": 3},
    "calibration is a list (TypeError)": lambda p: {**p, "calibration": [1]},
}


@pytest.mark.parametrize("damage", list(MALFORMED))
def test_malformed_bundle_payload_raises_integrity_error(tmp_path, good_bundle, damage):
    path = tmp_path / "malformed.skops"
    sio.dump(MALFORMED[damage](payload_of(good_bundle)), path)
    with pytest.raises(IntegrityError, match="not a newsframe bundle"):
        load_model(path)


# ---- the shipped default -----------------------------------------------------------------------


@pytest.fixture
def default_copy(tmp_path, monkeypatch):
    """A copy of the package's default/ directory, installed as the default model path."""
    folder = shutil.copytree(bundle.DEFAULT_PATH.parent, tmp_path / "default")
    path = folder / bundle.DEFAULT_PATH.name
    monkeypatch.setattr(bundle, "DEFAULT_PATH", path)
    return path


def test_an_unaltered_copy_of_the_default_loads(default_copy):
    assert load_model().manifest["sha256"] == bundle.DEFAULT_SHA256


ALTERATIONS = {
    "one byte flipped": lambda data, good: flipped(data, len(data) // 2, 1),
    "one byte appended": lambda data, good: data + b"\0",
    "replaced by another valid bundle": lambda data, good: good.read_bytes(),
}


@pytest.mark.parametrize("alteration", list(ALTERATIONS))
def test_an_altered_default_is_refused(default_copy, good_bundle, capsys, alteration):
    default_copy.write_bytes(ALTERATIONS[alteration](default_copy.read_bytes(), good_bundle))
    with pytest.raises(IntegrityError, match="does not match its pinned sha256.*Reinstall newsframe"):
        load_model()
    assert main(["info"]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(default_copy) in err


def test_a_bundle_that_would_unpack_too_large_is_refused(tmp_path, monkeypatch):
    import zipfile

    import model.bundle as bundle

    path = tmp_path / "bomb.skops"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("schema.json", "{}")
        zf.writestr("blob.npy", b"\0" * 4096)
    monkeypatch.setattr(bundle, "MAX_UNPACKED_BYTES", 1024)
    with pytest.raises(IntegrityError, match="would unpack to .* refusing to load it"):
        load_model(path)
