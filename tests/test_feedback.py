"""The feedback store: corrections saved, exported, purged, read back for training; many writers."""

from __future__ import annotations

import json
import multiprocessing as mp
from datetime import datetime

import pytest

from model import FeedbackStore, InputError
from model.cli import main
from model.errors import DataError
from model.feedback import FEEDBACK_WEIGHT, FIELDS, default_db_path, read_feedback

SENTENCE = "The club denied the report."


def add(store, text=SENTENCE, kind="frame", predicted="neutral", corrected="denial"):
    store.add(text, kind=kind, predicted=predicted, corrected=corrected, model_sha256="abc123")


def test_add_records_export_round_trip(tmp_path):
    store = FeedbackStore(tmp_path / "sub" / "fb.sqlite3")
    assert len(store) == 0 and store.records() == []
    assert not store.path.exists()  # reading creates nothing
    add(store)
    add(store, "Whole article text.", kind="topic", predicted="sport", corrected="politics")
    assert len(store) == 2
    out = tmp_path / "fb.jsonl"
    assert store.export(out) == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [tuple(r) for r in lines] == [FIELDS, FIELDS]
    assert lines[0] == {**lines[0], "text": SENTENCE, "kind": "frame", "predicted": "neutral",
                        "corrected": "denial", "model_sha256": "abc123"}
    assert datetime.fromisoformat(lines[0]["ts"]).utcoffset().total_seconds() == 0


def test_the_database_runs_in_wal_mode(tmp_path):
    import sqlite3

    store = FeedbackStore(tmp_path / "fb.sqlite3")
    add(store)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"kind": "sentence"}, "kind"),
        ({"corrected": "denied"}, "corrected"),
        ({"kind": "topic", "predicted": "politics", "corrected": "denial"}, "corrected"),
        ({"text": "   "}, "empty"),
    ],
)
def test_bad_corrections_are_refused(tmp_path, kwargs, match):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(InputError, match=match):
        add(store, **kwargs)
    assert len(store) == 0


def test_purge_deletes_and_overwrites_the_text(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    marker = "Zanzibar-quokka-7731 said nothing."
    for _ in range(50):
        add(store, marker)
    assert store.purge() == 50
    assert len(store) == 0 and store.records() == []
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("fb.sqlite3"))
    assert marker.encode() not in on_disk


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSFRAME_FEEDBACK_DB", str(tmp_path / "x.sqlite3"))
    assert default_db_path() == tmp_path / "x.sqlite3"
    assert FeedbackStore().path == tmp_path / "x.sqlite3"
    monkeypatch.delenv("NEWSFRAME_FEEDBACK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_db_path() == tmp_path / "data" / "newsframe" / "feedback.sqlite3"


def _writer(path: str, worker: int, n: int, barrier) -> None:
    store = FeedbackStore(path)
    barrier.wait()
    for i in range(n):
        add(store, f"Writer {worker} sentence {i} was denied.")


def test_concurrent_writers_lose_nothing(tmp_path):
    workers, each = 4, 50
    # forkserver: one clean, single-threaded server imports model once, then forks each writer.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["model", "pytest"])
    barrier = ctx.Barrier(workers)
    path = str(tmp_path / "fb.sqlite3")
    procs = [ctx.Process(target=_writer, args=(path, w, each, barrier)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * workers
    texts = [r["text"] for r in FeedbackStore(path).records()]
    assert len(texts) == workers * each
    assert set(texts) == {f"Writer {w} sentence {i} was denied." for w in range(workers) for i in range(each)}


def test_read_feedback_gives_weighted_rows_and_the_latest_correction_wins(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    add(store, corrected="allegation")
    add(store, corrected="denial")
    add(store, "Article.", kind="topic", predicted="sport", corrected="politics")
    store.export(tmp_path / "fb.jsonl")
    topics, frames = read_feedback(tmp_path / "fb.jsonl")
    assert (frames.texts, frames.labels, frames.weights) == ((SENTENCE,), ("denial",), (FEEDBACK_WEIGHT,))
    assert (topics.texts, topics.labels) == (("Article.",), ("politics",))
    assert frames.sources == {"feedback": 1}


@pytest.mark.parametrize("line", ["not json", '{"text": "x", "kind": "frame"}', '["a list"]'])
def test_read_feedback_refuses_bad_lines(tmp_path, line):
    path = tmp_path / "fb.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 1"):
        read_feedback(path)


# ---- CLI ---------------------------------------------------------------------------------------
def test_cli_export_and_purge(tmp_path, capsys):
    db = tmp_path / "fb.sqlite3"
    add(FeedbackStore(db))
    out = tmp_path / "out.jsonl"
    assert main(["feedback", "--db", str(db), "export", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["text"] == SENTENCE
    assert main(["feedback", "--db", str(db), "purge"]) == 0
    assert "deleted 1" in capsys.readouterr().err
    assert len(FeedbackStore(db)) == 0


def test_cli_feedback_uses_the_environment(tmp_path, monkeypatch):
    db = tmp_path / "env.sqlite3"
    monkeypatch.setenv("NEWSFRAME_FEEDBACK_DB", str(db))
    add(FeedbackStore())
    assert main(["feedback", "export", "--out", str(tmp_path / "o.jsonl")]) == 0
    assert (tmp_path / "o.jsonl").read_text().count("\n") == 1


def test_cli_export_to_a_directory_is_a_usage_error(tmp_path, capsys):
    assert main(["feedback", "--db", str(tmp_path / "fb.sqlite3"), "export", "--out", str(tmp_path)]) == 3
    assert "directory" in capsys.readouterr().err


def test_cli_train_with_a_bad_feedback_file_is_a_data_error(tmp_path, capsys):
    bad = tmp_path / "fb.jsonl"
    bad.write_text('{"text": "x", "kind": "frame", "predicted": "neutral", "corrected": "wrong"}\n')
    assert main(["train", "--feedback", str(bad), "--out", str(tmp_path / "m.skops")]) == 5
    assert "line 1" in capsys.readouterr().err


def test_train_help_documents_the_feedback_weight(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert f"weight {FEEDBACK_WEIGHT:g}" in " ".join(capsys.readouterr().out.split())
