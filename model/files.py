"""Reading user files for the CLI: one clear ``InputError`` for every way a file can be wrong.

Tables (CSV, JSONL, Parquet) are read in chunks so that scoring a file of any size keeps memory
flat; the format comes from the extension unless the caller names it.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError

FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")
"""The table formats newsframe reads and writes."""

_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}


def check_readable(path: str | os.PathLike) -> Path:
    """The path, if it names a non-empty regular file; otherwise an ``InputError`` saying why."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file. Check the path.")
    if p.is_dir():
        raise InputError(f"{p}: is a directory; give a file.")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the file is empty.")
    return p


def read_text(path: str | os.PathLike) -> str:
    """A whole UTF-8 text file (a BOM is dropped); undecodable bytes are an ``InputError``."""
    p = check_readable(path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError.not_utf8(p, e) from e
    except OSError as e:
        raise InputError(f"{p}: cannot be read ({e.strerror}).") from e


def table_format(path: str | os.PathLike, fmt: str | None = None, default: str = "csv") -> str:
    """The table format of ``path``: ``fmt`` when given, else its extension (``.gz`` allowed).

    An unknown extension means ``default``: CSV, the most common export, so ``data.txt`` still reads.
    """
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}; expected one of {list(FORMATS)}.")
        return fmt
    for suffix in reversed(Path(path).suffixes):
        if suffix.lower() in _SUFFIXES:
            return _SUFFIXES[suffix.lower()]
    return default


def estimate_rows(path: str | os.PathLike, fmt: str) -> int | None:
    """The number of rows, exact for Parquet, an upper bound for CSV (one per line); None if unknown.

    Used only for the progress bar's ETA, so a quoted newline inside a CSV cell may overcount.
    """
    p = Path(path)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(p).metadata.num_rows
        opener = gzip.open if p.suffix.lower() == ".gz" else open
        lines, last = 0, b"\n"
        with opener(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                lines += block.count(b"\n")
                last = block[-1:]
        lines += last != b"\n"
        return max(lines - (fmt == "csv"), 0)
    except Exception:  # the reader reports real problems with the file; this is only a hint
        return None


def read_stdin() -> str:
    """Standard input as strict UTF-8, whatever the locale; undecodable bytes are an ``InputError``."""
    import sys

    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError.not_utf8("standard input", e) from e


def iter_table(path: str | os.PathLike, chunksize: int = 2000, fmt: str | None = None) -> Iterator:
    """Yield a CSV, JSONL or Parquet file as pandas frames, ``chunksize`` rows at a time.

    All columns are kept. CSV cells are strings and empty cells are ''; JSONL keeps JSON types
    with missing values as ''; Parquet keeps its Arrow types (nulls stay null). Every parse or
    decode failure becomes one ``InputError`` naming the file.
    """
    import pandas as pd

    p = check_readable(path)
    kind = table_format(p, fmt)
    if kind == "parquet":
        yield from _iter_parquet(p, chunksize)
        return
    try:
        if kind == "jsonl":
            # dtype=False also stops date guessing: a column named "date" stays the text it was.
            reader = pd.read_json(p, lines=True, dtype=False, precise_float=True, chunksize=chunksize)
        else:
            reader = pd.read_csv(p, dtype=str, keep_default_na=False, chunksize=chunksize, encoding="utf-8-sig")
        with reader:
            for chunk in reader:
                yield chunk.astype(object).where(chunk.notna(), "")
    except UnicodeDecodeError as e:
        raise InputError.not_utf8(p, e) from e
    except pd.errors.EmptyDataError as e:
        raise InputError(f"{p}: no columns found; expected a {kind.upper()} file with a header row.") from e
    except (pd.errors.ParserError, ValueError, EOFError, OSError) as e:
        raise InputError(f"{p}: not a readable {kind.upper()} file ({_first_line(e)}).") from e


def _iter_parquet(p: Path, chunksize: int) -> Iterator:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        for batch in pq.ParquetFile(p).iter_batches(batch_size=chunksize):
            yield batch.to_pandas(types_mapper=pd.ArrowDtype)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"{p}: not a readable PARQUET file ({_first_line(e)}).") from e


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
