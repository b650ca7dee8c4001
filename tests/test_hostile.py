"""Hostile text and hostile files: a valid answer or one clear line, never a crash or a traceback.

Cases already pinned elsewhere are not repeated: empty and blank text (test_analyze.py), and the
missing, directory, empty, header-only, missing-column, latin-1 and binary-junk CSVs for ``score``
plus missing, directory, empty and latin-1 files for ``analyze`` (test_cli.py).
"""

import codecs
import csv
import json
import os
import subprocess
import sys
import time
import unicodedata

import pytest

from model import MAX_CHARS
from model.cli import main
from model.results import SCORE_COLUMNS

from test_cli import write_csv
from test_fuzz import assert_valid_analysis

DENIAL = "The minister denied the claims."

def read_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def assert_one_line_error(capsys, path, *fragments):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    assert str(path) in err
    for fragment in fragments:
        assert fragment in err, err


# Each text hides the same denial among characters that break naive pipelines.
HOSTILE_TEXTS = {
    "NUL bytes": f"Talks ended.\x00\x00 {DENIAL}\x00",
    "control characters": f"\x1b[31m{DENIAL}\x1b[0m\x07\x08\x7f",
    "lone surrogates": "The minister \ud800denied\udfff the claims.",
    "emoji": f"\U0001F621 {DENIAL[:-1]} \U0001F1FA\U0001F1E6.\n\U0001F642\U0001F642",
    "bidi controls": f"\u202e{DENIAL}\u202c",
    "script tag": f"<script>alert('x')</script><p>The minister <b>denied</b> the claims.</p>",
    "attribute-breaking markup": f'<img src=x onerror="alert(1)"> <a href="javascript:alert(1)">{DENIAL}</a>',
}


@pytest.mark.parametrize("case", list(HOSTILE_TEXTS))
def test_hostile_text_still_finds_the_denial(model, case):
    text = HOSTILE_TEXTS[case]
    a = model.analyze(text)
    assert_valid_analysis(text, a)
    denials = [s for s in a.sentences if s.frame == "denial"]
    assert len(denials) == 1
    assert "denied" in [text[e.start : e.end] for e in denials[0].evidence]
    assert json.loads(json.dumps(a.to_dict()))["sentences"][-1]["text"] == a.sentences[-1].text


RIGHT_TO_LEFT = {
    "arabic": "نفى الوزير التقارير التي نشرتها الصحيفة يوم الثلاثاء وقال إنها كاذبة.",
    "hebrew": "השר הכחיש את הדיווחים שפורסמו בעיתון ביום שלישי ואמר כי הם שקריים.",
}


@pytest.mark.parametrize("text", list(RIGHT_TO_LEFT.values()), ids=list(RIGHT_TO_LEFT))
def test_right_to_left_prose_is_analysed_and_flagged_out_of_domain(model, text):
    a = model.analyze(text)
    assert_valid_analysis(text, a)
    assert [(s.start, s.end) for s in a.sentences] == [(0, len(text))]
    assert a.out_of_domain and any("Out of domain" in w for w in a.warnings)


NEWS = ("The minister denied the claims on Tuesday, saying they were baseless. "
        "Opposition leaders said the documents appear to be genuine. It is unclear whether talks will resume.\n")
FIVE_MB = (NEWS * (5_000_000 // len(NEWS) + 1))[:5_000_000]


def test_a_5mb_paste_is_truncated_with_a_warning_within_seconds(model):
    t0 = time.perf_counter()
    a = model.analyze(FIVE_MB)
    assert time.perf_counter() - t0 < 10
    assert a.truncated and max(s.end for s in a.sentences) <= MAX_CHARS
    assert a.warnings[0] == f"Text truncated: analysed the first {MAX_CHARS:,} of 5,000,000 characters."


def test_a_5mb_paste_on_standard_input_prints_the_warning():
    r = subprocess.run([sys.executable, "-m", "model", "analyze", "-"], input=FIVE_MB,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == ""
    assert "warning: Text truncated: analysed the first 100,000 of 5,000,000 characters." in r.stdout


def test_a_5mb_cell_is_scored_truncated_and_written_back_whole(tmp_path):
    src, out = tmp_path / "big.csv", tmp_path / "out.csv"
    write_csv(src, [("1", FIVE_MB), ("2", DENIAL)], header=("id", "text"))
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0
    csv.field_size_limit(len(FIVE_MB) + 1)
    rows = read_rows(out)
    assert rows[0]["text"] == FIVE_MB
    assert [r["truncated"] for r in rows] == ["True", "False"] and rows[1]["n_denial"] == "1"


# ---- batches of texts without a single word ---------------------------------------------------

def test_score_a_batch_of_only_wordless_texts(model):
    scores = model.score([":", "---", "\U0001F642"])
    assert [(s.error, s.n_sentences) for s in scores] == [("", 0)] * 3


def test_score_command_on_a_file_of_wordless_rows(tmp_path):
    src, out = tmp_path / "rules.csv", tmp_path / "out.csv"
    write_csv(src, [("1", "---"), ("2", "***")], header=("id", "text"))
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0


# ---- hostile files for the CLI ------------------------------------------------------------------


UTF16 = "The minister denied the claims.\n"
UNREADABLE_TEXT_FILES = {
    "binary junk": bytes(range(256)) * 4,
    "UTF-16 LE with BOM": UTF16.encode("utf-16"),
    "UTF-16 BE with BOM": codecs.BOM_UTF16_BE + UTF16.encode("utf-16-be"),
}


@pytest.mark.parametrize("case", list(UNREADABLE_TEXT_FILES))
def test_analyze_undecodable_file_is_one_line_exit_3(tmp_path, capsys, case):
    path = tmp_path / "article.txt"
    path.write_bytes(UNREADABLE_TEXT_FILES[case])
    assert main(["analyze", str(path)]) == 3
    assert_one_line_error(capsys, path, "not UTF-8 text", "Re-save it as UTF-8")


@pytest.mark.parametrize("content", ["   \n\t\r\n", "\x00" * 64], ids=["whitespace only", "NUL bytes only"])
def test_analyze_file_with_no_words_reports_no_sentences(tmp_path, capsys, content):
    path = tmp_path / "blank.txt"
    path.write_text(content, encoding="utf-8")
    assert main(["analyze", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["sentences"] == []


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_analyze_undecodable_standard_input_is_one_line_exit_3(errors):
    r = subprocess.run([sys.executable, "-m", "model", "analyze", "--json", "-"],
                       input=b"The minister \xff denied the claims.", capture_output=True, timeout=120,
                       env={**os.environ, "PYTHONIOENCODING": f"utf-8:{errors}"})
    assert r.returncode == 3 and r.stderr.decode().count("\n") == 1 and b"not UTF-8" in r.stderr


def test_analyze_report_does_not_pass_terminal_escapes_through(tmp_path, capsys):
    path = tmp_path / "article.txt"
    path.write_text("The minister \x1b]0;title\x07denied the \x1b[2J\x1b[31mclaims.\x9b", encoding="utf-8")
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    assert "The minister" in out
    assert [c for c in out if unicodedata.category(c) == "Cc" and c not in "\n\t"] == []


BAD_TABLES = {
    "UTF-16 CSV with BOM": ("in.csv", "id,text\n1,hello\n".encode("utf-16"), "not UTF-8 text"),
    "CSV with an unclosed quote": ("in.csv", b'id,text\n1,"The minister denied it.\n2,ok\n', "not a readable CSV file"),
    "CSV with a ragged row": ("in.csv", b"id,text\n1,hello\n2,hello,extra\n", "Expected 2 fields in line 3, saw 3"),
    "JSONL with a broken line": ("in.jsonl", b'{"text": "ok"}\n{"text": \n', "not a readable JSONL file"),
    "latin-1 JSONL": ("in.jsonl", '{"text": "caf\xe9"}\n'.encode("latin-1"), "not UTF-8 text"),
    "UTF-16 JSONL with BOM": ("in.jsonl", '{"text": "hello"}\n'.encode("utf-16"), "not UTF-8 text"),
    "binary junk JSONL": ("in.jsonl", bytes(range(256)) * 4, "not UTF-8 text"),
    "JSONL without the text field": ("in.jsonl", b'{"body": "hello"}\n', "no column 'text'; found ['body']"),
}


@pytest.mark.parametrize("case", list(BAD_TABLES))
def test_score_bad_table_is_one_line_exit_3(tmp_path, capsys, case):
    name, data, message = BAD_TABLES[case]
    src, out = tmp_path / name, tmp_path / "out.csv"
    src.write_bytes(data)
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 3
    assert_one_line_error(capsys, src, message)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no output, no leftovers


def test_score_csv_with_embedded_newlines_quotes_and_crlf_round_trips(tmp_path):
    rows = [
        ("1", 'She said "no".\r\nThen: "never", twice.'),
        ("2", "\nstarts with a newline, ends with a comma,"),
        ("3", '"'),
        ("4", "a,b,c\r"),
        ("5", "<script>alert('x')</script> \u202e\u05e9\u05dc\u05d5\u05dd \U0001F642"),
    ]
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, rows, header=("id", "text"))
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0
    got = read_rows(out)
    assert [(r["id"], r["text"]) for r in got] == rows
    assert list(got[0]) == ["id", "text", *SCORE_COLUMNS]


def test_score_utf8_bom_is_not_part_of_the_first_column_name(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(codecs.BOM_UTF8 + f"id,text\n1,{DENIAL}\n".encode())
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0
    assert list(read_rows(out)[0])[:2] == ["id", "text"]


def test_score_mixed_types_in_the_text_column_keep_every_row_in_order(tmp_path):
    # ints and nulls are in test_batch.py; these are the other JSON types, and "NaN" as a word.
    values = [DENIAL, ["a", "b"], {"k": "v"}, True, 3.5, "NaN"]
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": v}) + "\n" for i, v in enumerate(values)), encoding="utf-8")
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in got] == list(range(len(values)))
    assert [r["error"] for r in got] == [
        "", "not text (list)", "not text (dict)", "not text (bool)", "not text (float)", ""
    ]
    assert got[0]["n_denial"] == 1 and got[-1]["topic"]


def test_score_csv_numbers_and_null_words_are_scored_as_text(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, [("1", "42"), ("2", "NaN"), ("3", "null"), ("4", ""), ("5", "3.5e10")], header=("id", "text"))
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0
    got = read_rows(out)
    assert [r["text"] for r in got] == ["42", "NaN", "null", "", "3.5e10"]
    assert [r["error"] for r in got] == ["", "", "", "blank text", ""]


# ---- memory: the first chunks of a large file -------------------------------------------------

MEMORY_PROBE = r"""
import json, resource, sys
from model import load_model
from model.files import iter_table

def peak_mb():
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 / (1024 if sys.platform == "darwin" else 1)

model = load_model()
model.score(["Warm up the model."])
peaks = [peak_mb()]
for i, chunk in enumerate(iter_table(sys.argv[1], 2000)):
    model.score(chunk["text"].tolist())
    peaks.append(peak_mb())
    if i == 3:
        break
print(json.dumps(peaks))
"""


def test_scoring_the_first_chunks_of_a_large_file_keeps_memory_bounded(tmp_path):
    path = tmp_path / "large.csv"
    line = "The minister denied the claims on Tuesday, saying they were baseless. Talks may resume. Row {}."
    write_csv(path, ((i, line.format(i), "wire") for i in range(200_000)))
    assert path.stat().st_size > 20_000_000
    r = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    loaded, first, *_, last = json.loads(r.stdout)
    # Reading the whole file into pandas alone adds ~140 MB; streaming it adds the first chunk only.
    assert first - loaded < 70, f"first chunk raised peak RSS by {first - loaded:.0f} MB"
    assert last - first < 20, f"peak RSS grew {last - first:.0f} MB over later chunks"
