"""Scoring files: every input row, in order, all its columns, then the result columns.

The input is read in chunks; each scored chunk goes to its own file beside the output (see
``model.spool``), so memory stays flat, any engine can score chunks out of step, and an
interrupted run can be resumed. Only when every chunk is written are they joined into a
temporary file, read back to check the row count and order against the input, and renamed
over the output: a failed run never leaves a half-written output or touches an earlier one.
"""

from __future__ import annotations

import hashlib
import os
import sys
from itertools import chain
from pathlib import Path
from typing import Any

from .core import Model
from .engines import Chunk, check_engine, score_chunks
from .errors import InputError
from .files import check_readable, estimate_rows, iter_table, table_format
from .results import SCORE_COLUMNS
from .rows import SENTENCE_COLUMNS, WHO_COLUMNS
from .spool import Spool


def score_file(
    model: Model,
    input_path: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    sentences_path: str | os.PathLike | None = None,
    attribution: bool = False,
    input_format: str | None = None,
    output_format: str | None = None,
    chunk_size: int = 2000,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
) -> dict[str, int]:
    """Score every row of ``input_path`` into ``output_path``; return row, error and sentence counts.

    Parameters
    ----------
    model : Model
        Scores each chunk with ``Model.score`` (and ``predict_frame_proba`` for sentences).
    input_path, output_path : path
        CSV, JSONL or Parquet, by extension (``.gz`` allowed for CSV and JSONL) unless
        ``input_format``/``output_format`` say otherwise.
    text_column : str, default="text"
    id_column : str, optional
        The ``doc_id`` of the sentence rows; without it, ``doc_id`` is the 0-based input row number.
    sentences_path : path, optional
        Also write one row per sentence (``model.rows.SENTENCE_COLUMNS``); format by its own
        extension, else that of the output.
    attribution : bool, default=False
        Add who said what to the sentence rows (``model.rows.WHO_COLUMNS``); needs
        ``sentences_path``, a model with a tagger and the ``[attribution]`` extra.
    chunk_size : int, default=2000
        Rows per chunk: the unit of reading, of parallel work and of ``resume``.
    jobs, backend, scheduler
        Where chunks are scored; see ``model.engines.score_chunks``.
    resume : bool, default=False
        Keep the chunks an interrupted run with the same input, model and options wrote.
    progress : bool, default=True
        A progress bar on stderr: rows, rows/s and ETA.

    Raises
    ------
    InputError
        The input is missing, unreadable or lacks a column; an output path is unusable; or a
        resume does not match the unfinished run.
    """
    src = check_readable(input_path)
    in_fmt = table_format(src, input_format)
    out = _output_path(output_path, src, "--out")
    out_fmt = table_format(out, output_format)
    sent = _output_path(sentences_path, src, "--sentences") if sentences_path else None
    if sent is not None and sent.resolve() == out.resolve():
        raise InputError(f"{sent}: --sentences must differ from --out.")
    sent_fmt = table_format(sent, None, default=out_fmt) if sent is not None else None
    if attribution:
        _check_attribution(model, sent)
    if chunk_size < 1:
        raise InputError(f"--chunk-size must be at least 1; got {chunk_size}.")
    check_engine(backend, scheduler, jobs)

    chunks = iter_table(src, chunk_size, in_fmt)
    first = next((c for c in chunks if len(c)), None)
    if first is None:
        raise InputError(f"{src}: has a header but no rows to score.")
    columns = list(first.columns)
    _check_columns(src, columns, text_column, id_column)

    stat = src.stat()
    spool = Spool(out, {
        "input": str(src.resolve()), "input_size": stat.st_size, "input_mtime_ns": stat.st_mtime_ns,
        "input_format": in_fmt, "text_column": text_column, "id_column": id_column, "chunk_size": chunk_size,
        "format": out_fmt, "sentences_format": sent_fmt, "model": model.manifest.get("sha256"),
        "attribution": attribution,
    })
    done = spool.open(resume, log=sys.stderr if progress else None)

    import pandas as pd
    from tqdm.auto import tqdm

    bar = tqdm(total=estimate_rows(src, in_fmt), unit=" rows", desc="scoring", file=sys.stderr,
               disable=not progress, dynamic_ncols=True)
    read = _Digest(text_column)
    pending: dict[int, Any] = {}

    def todo():
        for i, chunk in enumerate(chain([first], chunks)):
            chunk = _conform(chunk, columns, src, read.rows)
            offset = read.rows
            read.add(chunk)
            if i in done:
                _skip(bar, len(chunk))
                continue
            ids = chunk[id_column].tolist() if id_column else list(range(offset, offset + len(chunk)))
            pending[i] = chunk
            texts = [None if t is pd.NA else t for t in chunk[text_column].tolist()]  # Parquet nulls
            yield Chunk(i, texts, ids)
        read.chunks = i + 1

    try:
        for index, docs, sentences in score_chunks(model, todo(), sentences=sent is not None, attribution=attribution,
                                                   jobs=jobs, backend=backend, scheduler=scheduler):
            chunk = pending.pop(index)
            docs.index = chunk.index
            spool.write(index, chunk.join(docs), sentences, out_fmt, sent_fmt)
            bar.update(len(chunk))
        bar.total = read.rows
        bar.refresh()
    except InputError:
        spool.remove()
        raise
    finally:
        bar.close()

    sent_columns = list(SENTENCE_COLUMNS) + (list(WHO_COLUMNS) if attribution else [])
    counts = _finish(spool, read, out, out_fmt, columns + list(SCORE_COLUMNS), sent, sent_fmt, sent_columns, chunk_size)
    spool.remove()
    return counts


def _finish(spool: Spool, read: "_Digest", out: Path, fmt: str, columns: list[str],
            sent: Path | None, sent_fmt: str | None, sent_columns: list[str], chunk_size: int) -> dict[str, int]:
    """Join the chunks into temporary files, check them against the input, rename them into place."""
    tmp_out = _temporary(out)
    tmp_sent = _temporary(sent) if sent is not None else None
    try:
        spool.assemble("docs", read.chunks, columns, fmt, tmp_out)
        written = _Digest(read.column)
        errors = n_sentences = 0
        for chunk in iter_table(tmp_out, chunk_size, fmt):
            written.add(chunk)
            errors += int((chunk["error"].astype(str) != "").sum())
            n_sentences += int(chunk["n_sentences"].astype("int64").sum())
        if (written.rows, written.hexdigest()) != (read.rows, read.hexdigest()):
            raise RuntimeError(
                f"{out}: the joined output does not match the input ({read.rows} rows read, {written.rows} "
                "written, or not in input order); left the earlier output untouched. Rerun without --resume."
            )
        counts = {"rows": read.rows, "errors": errors}
        if tmp_sent is not None:
            spool.assemble("sents", read.chunks, sent_columns, sent_fmt, tmp_sent)
            got = _count_rows(tmp_sent, sent_fmt, chunk_size)
            if got != n_sentences:
                raise RuntimeError(f"{sent}: {got} sentence rows written, but the scores count {n_sentences}; "
                                   "left the earlier output untouched. Rerun without --resume.")
            counts["sentences"] = got
            os.replace(tmp_sent, sent)
        os.replace(tmp_out, out)
        return counts
    finally:
        for tmp in (tmp_out, tmp_sent):
            if tmp is not None and tmp.exists():
                tmp.unlink()


class _Digest:
    """Row count and a hash of one column's cells in row order: the same on input and output.

    A missing cell hashes as '' because CSV, JSONL and Parquet write it differently.
    """

    def __init__(self, column: str):
        self.column = column
        self.rows = 0
        self.chunks = 0
        self._hash = hashlib.blake2b(digest_size=16)

    def add(self, frame) -> None:
        import pandas as pd

        for value in frame[self.column].tolist():
            cell = "" if value is None or value is pd.NA or value != value else str(value)
            self._hash.update(cell.encode("utf-8", "surrogatepass") + b"\x1f")
        self.rows += len(frame)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _check_attribution(model: Model, sent: Path | None) -> None:
    """Refuse --attribution before any row is read unless it can run and has somewhere to go."""
    if sent is None:
        raise InputError("--attribution adds source and cue columns to the sentence rows; "
                         "name their file with --sentences FILE.")
    model.who_said_what("")


def _skip(bar, n: int) -> None:
    """Advance the bar over rows a resumed run already has, without counting them in rows/s or ETA."""
    if bar.disable:
        return
    bar.n += n
    bar.initial += n
    bar.last_print_n = bar.n
    bar.refresh()


def _check_columns(src: Path, columns: list[str], text_column: str, id_column: str | None) -> None:
    for option, name in (("--text-column", text_column), ("--id-column", id_column)):
        if name is not None and name not in columns:
            raise InputError(f"{src}: no column {name!r}; found {columns}. Pass {option} NAME.")
    clash = [c for c in SCORE_COLUMNS if c in columns]
    if clash:
        raise InputError(f"{src}: already has result column(s) {clash}; rename them or score the original file.")


def _conform(chunk, columns: list[str], src: Path, offset: int):
    """The chunk with the first chunk's columns, in that order (JSONL rows may omit keys)."""
    if list(chunk.columns) == columns:
        return chunk
    extra = [c for c in chunk.columns if c not in columns]
    if extra:
        raise InputError(f"{src}: rows after {offset} have column(s) {extra} that the first rows lack; "
                         "give every row the same keys.")
    return chunk.reindex(columns=columns, fill_value="")


def _output_path(path: str | os.PathLike, src: Path, option: str) -> Path:
    out = Path(path)
    if out.is_dir():
        raise InputError(f"{out}: is a directory; {option} needs a file name.")
    if not out.parent.exists():
        raise InputError(f"{out.parent}: no such directory for {option}.")
    if src.resolve() == out.resolve():
        raise InputError(f"{out}: {option} must differ from the input file.")
    return out


def _temporary(path: Path) -> Path:
    """A hidden name beside ``path`` that keeps its last suffix (so ``.gz`` still compresses)."""
    return path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")


def _count_rows(path: Path, fmt: str, chunk_size: int) -> int:
    if path.stat().st_size == 0:
        return 0
    return sum(len(c) for c in iter_table(path, chunk_size, fmt))
