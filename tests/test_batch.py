"""Batch scoring: formats, sentence rows, order, errors, kill-and-resume, joblib and Dask engines."""

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from model import MAX_CHARS
from model.batch import score_file
from model.cli import main
from model.results import SCORE_COLUMNS
from model.rows import SENTENCE_COLUMNS

from conftest import TINY_FRAMES, TINY_TOPICS

SENTENCES = [t for t, _ in TINY_FRAMES + TINY_TOPICS]


def make_rows(n: int, per_doc: int = 3) -> pd.DataFrame:
    """``n`` documents of ``per_doc`` sentences, plus blank and missing text every 7th and 11th row."""
    texts = []
    for i in range(n):
        body = " ".join(SENTENCES[(i * 7 + k) % len(SENTENCES)] for k in range(per_doc))
        texts.append("" if i % 7 == 3 else "  \n " if i % 11 == 5 else body)
    return pd.DataFrame({"id": [f"d{i}" for i in range(n)], "text": texts, "date": ["2024-05-01"] * n})


def write(frame: pd.DataFrame, path) -> None:
    suffix = path.suffix
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_parquet(path, index=False)


def read(path, fmt=None) -> pd.DataFrame:
    fmt = fmt or path.suffix[1:]
    if fmt == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if fmt == "jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_parquet(path)


@pytest.mark.parametrize("src_ext", [".csv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("out_fmt", ["csv", "jsonl", "parquet"])
def test_every_format_in_and_out_keeps_rows_columns_and_scores(tmp_path, model, src_ext, out_fmt):
    rows = make_rows(23)
    src = tmp_path / f"in{src_ext}"
    write(rows, src)
    out = tmp_path / "scored.out"  # no telling extension: --format decides
    assert main(["score", str(src), "--out", str(out), "--format", out_fmt, "--chunk-size", "5", "--quiet"]) == 0
    got = read(out, out_fmt)
    assert list(got.columns) == ["id", "text", "date", *SCORE_COLUMNS]
    assert got["id"].tolist() == rows["id"].tolist()
    assert got["text"].tolist() == rows["text"].tolist()
    assert set(got["date"]) == {"2024-05-01"}
    expected = model.score(rows["text"].tolist())
    assert got["topic"].fillna("").tolist() == [s.topic for s in expected]
    assert got["n_sentences"].astype(int).tolist() == [s.n_sentences for s in expected]
    assert got["error"].fillna("").tolist() == [s.error for s in expected]
    assert (got["error"].fillna("") != "").sum() == sum(1 for s in expected if s.error) > 0


def test_sentence_rows_match_analyze(tmp_path, model):
    rows = make_rows(12, per_doc=4)
    src, out, sents = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "sents.jsonl"
    write(rows, src)
    assert main(["score", str(src), "--out", str(out), "--sentences", str(sents), "--id-column", "id",
                 "--chunk-size", "5", "--quiet"]) == 0
    got = read(sents)
    assert list(got.columns) == list(SENTENCE_COLUMNS)
    assert len(got) == read(out)["n_sentences"].astype(int).sum()
    for doc_id, text in zip(rows["id"], rows["text"]):
        mine = got[got["doc_id"] == doc_id]
        analysis = model.analyze(text)
        assert mine["sent_idx"].tolist() == list(range(len(analysis.sentences)))
        assert list(zip(mine["start"], mine["end"])) == [(s.start, s.end) for s in analysis.sentences]
        assert mine["frame"].tolist() == [s.frame for s in analysis.sentences]
        for (_, row), s in zip(mine.iterrows(), analysis.sentences):
            assert all(abs(row[f"p_{f}"] - p) <= 1e-4 for f, p in s.probs.items())


def test_sentence_doc_id_is_the_row_number_without_an_id_column(tmp_path):
    src, out, sents = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "sents.csv"
    write(make_rows(9), src)
    assert main(["score", str(src), "--out", str(out), "--sentences", str(sents), "--chunk-size", "4", "--quiet"]) == 0
    n = read(out)["n_sentences"].astype(int).tolist()
    assert read(sents)["doc_id"].astype(int).tolist() == [i for i, k in enumerate(n) for _ in range(k)]


def test_overlong_text_is_truncated_and_flagged(tmp_path, model):
    long = "The minister denied the report. " * (MAX_CHARS // 32 + 10)
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write(pd.DataFrame({"text": [long, "Short text here."]}), src)
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0
    got = read(out)
    assert got["truncated"].tolist() == [True, False]
    assert got["n_sentences"][0] == model.score([long])[0].n_sentences


def test_non_text_cells_get_an_error_and_keep_their_place(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"text": "It may rain."}\n{"text": 42}\n{"other": 1}\n{"text": null}\n', encoding="utf-8")
    assert main(["score", str(src), "--out", str(out), "--chunk-size", "1", "--quiet"]) == 3  # a key appears later
    src.write_text('{"text": "It may rain.", "n": 1}\n{"text": 42, "n": 2}\n{"n": 3}\n{"text": null, "n": 4}\n',
                   encoding="utf-8")
    assert main(["score", str(src), "--out", str(out), "--chunk-size", "1", "--quiet"]) == 0
    got = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [g["n"] for g in got] == [1, 2, 3, 4]
    assert [g["error"] for g in got] == ["", "not text (int)", "blank text", "blank text"]
    assert got[1]["topic_prob"] is None and got[0]["topic_prob"] > 0


def test_progress_bar_on_stderr_and_quiet(tmp_path, capsys):
    src = tmp_path / "in.csv"
    write(make_rows(10), src)
    assert main(["score", str(src), "--out", str(tmp_path / "a.csv"), "--chunk-size", "4"]) == 0
    err = capsys.readouterr().err
    assert "rows/s" in err and "10/10" in err and "scored 10 rows" in err
    assert main(["score", str(src), "--out", str(tmp_path / "b.csv"), "--quiet"]) == 0
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--id-column", "nope"], "no column 'nope'; found ['id', 'text', 'date']. Pass --id-column NAME."),
        (["--sentences", "{out}"], "--sentences must differ from --out"),
        (["--backend", "dask"], "--backend dask needs --scheduler ADDRESS"),
        (["--jobs", "0"], "--jobs must be"),
        (["--chunk-size", "0"], "--chunk-size must be at least 1"),
    ],
)
def test_bad_options_are_one_line_and_exit_3(tmp_path, capsys, extra, message):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(make_rows(3), src)
    extra = [x.format(out=out) for x in extra]
    assert main(["score", str(src), "--out", str(out), "--quiet", *extra]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_unreadable_parquet_is_one_line(tmp_path, capsys):
    src = tmp_path / "in.parquet"
    src.write_bytes(b"PAR1 this is not parquet")
    assert main(["score", str(src), "--out", str(tmp_path / "o.csv"), "--quiet"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a readable PARQUET file" in err


def run_score(*args):
    return subprocess.Popen([sys.executable, "-m", "model", "score", *map(str, args), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(process) -> int:
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return process.returncode


def test_sigkill_mid_run_then_resume_gives_the_uninterrupted_output(tmp_path):
    src = tmp_path / "in.csv"
    write(make_rows(3000, per_doc=8), src)
    opts = ["--sentences", None, "--id-column", "id", "--chunk-size", "50"]

    ref, ref_s = tmp_path / "ref.csv", tmp_path / "ref_s.csv"
    done = run_score(src, "--out", ref, *[ref_s if o is None else o for o in opts])
    finish(done)

    out, out_s = tmp_path / "out.csv", tmp_path / "out_s.csv"
    out.write_text("earlier output\n", encoding="utf-8")
    args = [src, "--out", out, *[out_s if o is None else o for o in opts]]
    victim = run_score(*args)
    parts = tmp_path / ".out.csv.parts"
    deadline = time.monotonic() + 120
    while len(list(parts.glob("*.docs"))) < 5:
        assert victim.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert out.read_text(encoding="utf-8") == "earlier output\n" and not out_s.exists()
    n_done = len(list(parts.glob("*.docs")))
    assert 5 <= n_done < 60

    resumed = run_score(*args, "--resume")
    finish(resumed)
    assert out.read_bytes() == ref.read_bytes()
    assert out_s.read_bytes() == ref_s.read_bytes()
    assert not parts.exists()


def test_resume_refuses_a_run_with_other_options(tmp_path, model, capsys):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(make_rows(10), src)
    spool = tmp_path / ".out.csv.parts"
    spool.mkdir()
    (spool / "run.json").write_text(json.dumps({"chunk_size": 3}), encoding="utf-8")
    assert main(["score", str(src), "--out", str(out), "--resume", "--quiet"]) == 3
    err = capsys.readouterr().err
    assert "cannot --resume" in err and "Run without --resume" in err and err.count("\n") == 1
    assert main(["score", str(src), "--out", str(out), "--quiet"]) == 0 and not spool.exists()


def test_jobs_give_the_same_bytes_as_one_process(tmp_path, model):
    src = tmp_path / "in.csv"
    write(make_rows(200), src)
    outs = {}
    for jobs in (1, 2):
        out, sents = tmp_path / f"out{jobs}.csv", tmp_path / f"s{jobs}.csv"
        score_file(model, src, out, sentences_path=sents, chunk_size=15, jobs=jobs, progress=False)
        outs[jobs] = (out.read_bytes(), sents.read_bytes())
    assert outs[1] == outs[2]


def require_dask():
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as e:
        if os.environ.get("NEWSFRAME_REQUIRE_DASK") == "1":
            pytest.fail(f"NEWSFRAME_REQUIRE_DASK=1 but the dask extra is missing ({e}); "
                        'install it with: pip install -c constraints.txt -e ".[dask]"')
        pytest.skip('the dask extra is not installed (pip install -e ".[dask]")')


def test_dask_cluster_of_two_processes_equals_one_process_row_for_row(tmp_path, model):
    require_dask()
    from distributed import LocalCluster

    rows = make_rows(120)
    rows.loc[5, "text"] = None  # a missing cell must stay missing on the workers, not become text
    src = tmp_path / "in.parquet"
    write(rows, src)
    local, local_s = tmp_path / "local.csv", tmp_path / "local_s.csv"
    score_file(model, src, local, sentences_path=local_s, id_column="id", chunk_size=10, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert all(w.process is not None for w in cluster.workers.values())  # processes, not threads
        out, out_s = tmp_path / "dask.csv", tmp_path / "dask_s.csv"
        assert main(["score", str(src), "--out", str(out), "--sentences", str(out_s), "--id-column", "id",
                     "--chunk-size", "10", "--backend", "dask", "--scheduler", cluster.scheduler_address,
                     "--quiet"]) == 0
    pd.testing.assert_frame_equal(read(out), read(local))
    pd.testing.assert_frame_equal(read(out_s), read(local_s))
    assert read(out)["error"][5] == "missing text"
