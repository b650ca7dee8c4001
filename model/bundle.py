"""Saving and loading model bundles without running code from the file.

A bundle is one skops file. Loading lists the types the file would build and refuses any
outside ``TRUSTED_TYPES`` (plus what skops trusts by default: scikit-learn, numpy and scipy
types) before building anything, then checks the format version and the library versions
it was trained with. The shipped default is also checked against the sha256 pinned here.
"""

from __future__ import annotations

import hashlib
import os
import platform
import tempfile
from pathlib import Path
from zipfile import ZIP_DEFLATED

from sklearn.pipeline import Pipeline

from .config import TrainConfig
from .core import Model
from .errors import COMMAND, IncompatibleModelError, InputError, IntegrityError, ModelNotFoundError
from ._pins import DEFAULT_SHA256
from ._version import __version__

FORMAT = "newsframe-bundle"
FORMAT_VERSION = 1
TRUSTED_TYPES: tuple[str, ...] = (
    "model.features.Featurizer",
    "model.vectorize.DocumentVectorizer",
    "model.vectorize.SentenceVectorizer",
)
DEFAULT_PATH = Path(__file__).resolve().parent / "default" / "newsframe.skops"

PINNED_LIBRARIES = ("scikit-learn", "numpy", "scipy", "skops")


def library_versions() -> dict[str, str]:
    """Versions of the libraries a bundle's arrays and estimators depend on."""
    from importlib.metadata import version

    out = {"newsframe": __version__, "python": platform.python_version()}
    out.update({name: version(name) for name in PINNED_LIBRARIES})
    return out


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_bundle(model: Model, path: str | os.PathLike) -> str:
    """Write ``model`` to ``path`` atomically; record and return the file's sha256."""
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest = {k: v for k, v in model.manifest.items() if k != "sha256"}
    manifest["versions"] = library_versions()
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "manifest": manifest,
        "config": model.config.to_dict(),
        "calibration": dict(model.calibration),
        "topic": model.topic_pipeline,
        "frame": model.frame_pipeline,
        "attribution": model.attribution.to_state() if model.attribution is not None else None,
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    os.close(fd)
    try:
        sio.dump(payload, tmp, compression=ZIP_DEFLATED, compresslevel=9)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    model.manifest.clear()
    model.manifest.update(manifest, sha256=sha256_file(path))
    return model.manifest["sha256"]


MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""A bundle may unpack to at most this much: a hostile file cannot exhaust memory (a zip bomb)."""


def _check_unpacked_size(path: Path) -> None:
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (BadZipFile, OSError, ValueError) as e:
        raise IntegrityError(f"{path} is not a readable newsframe bundle ({type(e).__name__}: {e}).") from e
    if unpacked > MAX_UNPACKED_BYTES:
        raise IntegrityError(
            f"{path} would unpack to {unpacked / 2**20:,.0f} MiB, over the {MAX_UNPACKED_BYTES / 2**20:,.0f} MiB "
            "a newsframe bundle may hold; refusing to load it."
        )


def load_model(path: str | os.PathLike | None = None) -> Model:
    """Load a bundle; the shipped default when ``path`` is None.

    Raises
    ------
    ModelNotFoundError
        Nothing at ``path``.
    IntegrityError
        Not a newsframe bundle, corrupt, holding untrusted types, or (the default) not the
        file this release shipped.
    IncompatibleModelError
        Written by another bundle format or other library versions than the installed ones.

    Examples
    --------
    >>> from model import load_model
    >>> load_model().predict_topics(["The striker scored twice as the home side won the cup final."])
    ['sport']
    """
    import skops.io as sio

    default = path is None
    path = Path(DEFAULT_PATH if default else path)
    if not path.exists():
        raise ModelNotFoundError(str(path))
    if path.is_dir():
        raise InputError(f"{path} is a directory; expected a .skops model file.")
    sha = sha256_file(path)
    if default and sha != DEFAULT_SHA256:
        raise IntegrityError(
            f"The shipped default model {path} does not match its pinned sha256 "
            f"(expected {DEFAULT_SHA256[:16]}..., found {sha[:16]}...). Reinstall newsframe."
        )
    _check_unpacked_size(path)
    try:
        untrusted = set(sio.get_untrusted_types(file=path))
    except Exception as e:  # a damaged zip or schema fails in many ways inside skops; all mean the same
        raise IntegrityError(f"{path} is not a readable newsframe bundle ({type(e).__name__}: {e}).") from e
    foreign = sorted(untrusted - set(TRUSTED_TYPES))
    if foreign:
        raise IntegrityError(
            f"{path} would build types newsframe does not trust: {foreign}. "
            "Only load bundles made by newsframe's train command."
        )
    try:
        payload = sio.load(path, trusted=sorted(untrusted))
    except Exception as e:  # skops raises many types for a damaged file; all mean the same
        raise IntegrityError(f"{path} could not be read as a newsframe bundle ({type(e).__name__}: {e}).") from e
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise IntegrityError(f"{path} is a skops file but not a newsframe bundle.")
    if payload.get("format_version") != FORMAT_VERSION:
        raise IncompatibleModelError(
            f"{path} has bundle format {payload.get('format_version')!r}; this newsframe reads format "
            f"{FORMAT_VERSION}. Retrain it with: {COMMAND} train --out {path}"
        )
    manifest = payload.get("manifest")
    shapes = {"manifest": dict, "config": dict, "topic": Pipeline, "frame": Pipeline}
    wrong = [k for k, kind in shapes.items() if not isinstance(payload.get(k), kind)]
    if wrong or not isinstance(manifest.get("versions", {}), dict):
        raise IntegrityError(f"{path} is not a newsframe bundle (missing or malformed: {wrong or ['versions']}).")
    trained, installed = manifest.get("versions", {}), library_versions()
    mismatched = [
        f"{lib} {trained.get(lib)} (installed {installed[lib]})"
        for lib in PINNED_LIBRARIES
        if trained.get(lib) != installed[lib]
    ]
    if mismatched:
        raise IncompatibleModelError(
            f"{path} was trained with {', '.join(mismatched)}. Install the pinned versions "
            f"(pip install -c constraints.txt -e .) or retrain with: {COMMAND} train --out {path}"
        )
    try:
        return Model(
            payload["topic"],
            payload["frame"],
            TrainConfig.from_dict(payload["config"], ignore_extra=True),
            {**manifest, "sha256": sha},
            payload.get("calibration"),
            _attribution(payload.get("attribution"), path),
        )
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise IntegrityError(f"{path} is not a newsframe bundle: its parts do not fit together ({type(e).__name__}: {e}).") from e


def _attribution(state, path: Path):
    """The who-said-what tagger a bundle carries (plain data: bytes, strings, numbers), or None."""
    if state is None:
        return None
    if not isinstance(state, dict) or not isinstance(state.get("crf"), bytes):
        raise IntegrityError(f"{path} is not a newsframe bundle (malformed attribution state).")
    from .attribution import AttributionTagger

    return AttributionTagger.from_state(state)


def ship_default(model: Model, log=None) -> Path:
    """Make ``model`` the shipped default: held-out metrics, bundle, model card, pinned sha256.

    The card also carries ``docs/cross_corpus.json`` when present (written by
    ``python -m model evaluate --cross-corpus --json > docs/cross_corpus.json``).
    """
    from .card import write_card
    from .heldout import heldout_metrics

    model.manifest["metrics"] = heldout_metrics(model, log)
    if model.attribution is not None:
        from .attribution_eval import evaluate_attribution, format_attribution_report

        model.manifest["attribution_metrics"] = evaluate_attribution(model.attribution, "test")
        if log is not None:
            print(format_attribution_report(model.manifest["attribution_metrics"]), file=log)
    cross = Path(__file__).resolve().parent.parent / "docs" / "cross_corpus.json"
    if cross.exists():
        import json

        model.manifest["cross_corpus"] = json.loads(cross.read_text(encoding="utf-8"))
    sha = save_bundle(model, DEFAULT_PATH)
    write_card(model, DEFAULT_PATH)
    pins = Path(__file__).with_name("_pins.py")
    pins.write_text(
        '"""Written by ``python -m model train --ship``: the sha256 of the shipped default bundle."""\n\n'
        f'DEFAULT_SHA256 = "{sha}"\n',
        encoding="utf-8",
    )
    return DEFAULT_PATH
