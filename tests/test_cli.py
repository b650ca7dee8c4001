"""The CLI: real runs on real files, and one clear line (never a traceback) for bad input."""

import csv
import json
import subprocess
import sys

import pytest

from model.cli import main
from model.results import SCORE_COLUMNS

from conftest import SEED


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "model", *args], capture_output=True, text=True, input=stdin, timeout=300
    )


def test_help_lists_commands_and_exit_codes():
    r = run("--help")
    assert r.returncode == 0
    for word in ("analyze", "score", "train", "evaluate", "info", "exit codes"):
        assert word in r.stdout


def test_analyze_seed_prints_topic_and_frames(capsys):
    assert main(["analyze", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Topic: Politics (politics")
    assert "[denial" in out and "Peskov" in out


def test_analyze_json_from_stdin():
    r = run("analyze", "--json", stdin="The club denied the reports. Talks may resume next week.")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["schema_version"] == 1 and len(d["sentences"]) == 2


def write_csv(path, rows, header=("id", "text", "source")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_score_keeps_every_row_in_order_with_all_columns(tmp_path, model):
    src = tmp_path / "in.csv"
    rows = [
        ("a1", "The minister denied the claims.\nShe said it was \"untrue\", twice.", "wire"),
        ("a2", "", "blank"),
        ("a3", "Heavy snow is forecast for Friday, forecasters said.", "web"),
        ("a4", "   ", "spaces"),
        ("a5", "The striker scored twice as the home side won.", "sport"),
    ]
    write_csv(src, rows)
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert [r["id"] for r in got] == ["a1", "a2", "a3", "a4", "a5"]
    assert list(got[0]) == ["id", "text", "source", *SCORE_COLUMNS]
    assert [r["text"] for r in got] == [r[1] for r in rows]
    assert got[1]["error"] == "blank text" and got[3]["error"] == "blank text"
    expected = model.score([r[1] for r in rows])
    for row, sc in zip(got, expected):
        assert row["topic"] == sc.topic
        assert int(row["n_sentences"]) == sc.n_sentences
        assert int(row["n_denial"]) == sc.frame_counts["denial"]


def test_score_jsonl_in_and_out(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"body": "The bank admitted the error.", "n": 1}\n{"body": "It may rain.", "n": 2}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["score", str(src), "--out", str(out), "--text-column", "body", "--quiet"]) == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["n"] for x in lines] == [1, 2] and all(x["topic"] for x in lines)


def bad_inputs(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header = tmp_path / "header.csv"
    header.write_text("id,text\n", encoding="utf-8")
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("id,body\n1,hello\n", encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,text\n1,caf\xe9 cr\xe8me\n".encode("latin-1"))
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    return {
        "missing": (str(tmp_path / "nope.csv"), "no such file"),
        "directory": (str(tmp_path), "is a directory"),
        "empty": (str(empty), "the file is empty"),
        "header only": (str(header), "no rows to score"),
        "missing column": (str(nocol), "no column 'text'; found ['id', 'body']"),
        "latin-1": (str(latin), "not UTF-8"),
        "binary junk": (str(junk), "not UTF-8"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "header only", "missing column", "latin-1", "binary junk"])
def test_score_bad_input_is_one_clear_line(tmp_path, case):
    path, message = bad_inputs(tmp_path)[case]
    out = tmp_path / "out.csv"
    r = run("score", path, "--out", str(out), "--quiet")
    assert r.returncode == 3, r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert not out.exists()


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "latin-1"])
def test_analyze_bad_input_is_one_clear_line(tmp_path, case):
    path, message = bad_inputs(tmp_path)[case]
    r = run("analyze", path)
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and message in r.stderr


def test_failed_score_leaves_an_earlier_output_intact(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("precious\n", encoding="utf-8")
    path, _ = bad_inputs(tmp_path)["missing column"]
    assert main(["score", path, "--out", str(out), "--quiet"]) == 3
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_missing_model_says_how_to_train_one(tmp_path, capsys):
    assert main(["info", "--model", str(tmp_path / "none.skops")]) == 4
    assert "python -m model train --out" in capsys.readouterr().err


def test_evaluate_reports_per_class_figures(tmp_path, capsys):
    src = tmp_path / "gold.csv"
    write_csv(
        src,
        [("The minister denied the claims.", "denial"), ("It is unclear whether talks will resume.", "speculation"),
         ("The bridge opened in 1990.", "neutral")],
        header=("text", "frame"),
    )
    assert main(["evaluate", str(src), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 3 and set(result["per_class"]) >= {"denial", "speculation", "neutral"}
    assert len(result["confusion"]) == len(result["labels"])


def test_info_names_labels_versions_and_hash(capsys, model):
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["sha256"] == model.manifest["sha256"]
    assert len(info["topics"]) == 17 and len(info["frames"]) == 5
    assert info["versions"]["scikit-learn"]


def test_console_script_matches_python_m():
    import shutil

    exe = shutil.which("newsframe")
    if exe is None:
        pytest.skip("newsframe console script not on PATH (package not installed)")
    r = subprocess.run([exe, "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("newsframe ")
