"""Reading user files for the CLI: one clear ``InputError`` for every way a file can be wrong."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError


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
        raise InputError(
            f"{p}: not UTF-8 text (byte {e.start}: {e.reason}). Re-save it as UTF-8."
        ) from e
    except OSError as e:
        raise InputError(f"{p}: cannot be read ({e.strerror}).") from e


def iter_table(path: str | os.PathLike, chunksize: int = 2000):
    """Yield a CSV or JSONL file as pandas frames of strings, ``chunksize`` rows at a time.

    All columns are kept and empty cells become ''. Every parse or decode failure becomes
    one ``InputError`` naming the file.
    """
    import pandas as pd

    p = check_readable(path)
    kind = "jsonl" if any(s in (".jsonl", ".json") for s in p.suffixes) else "csv"
    try:
        if kind == "jsonl":
            reader = pd.read_json(p, lines=True, dtype=False, chunksize=chunksize)
        else:
            reader = pd.read_csv(p, dtype=str, keep_default_na=False, chunksize=chunksize, encoding="utf-8-sig")
        with reader:
            for chunk in reader:
                yield chunk.astype(object).where(chunk.notna(), "")
    except UnicodeDecodeError as e:
        raise InputError(f"{p}: not UTF-8 text (byte {e.start}: {e.reason}). Re-save it as UTF-8.") from e
    except pd.errors.EmptyDataError as e:
        raise InputError(f"{p}: no columns found; expected a {kind.upper()} file with a header row.") from e
    except (pd.errors.ParserError, ValueError) as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(f"{p}: not a readable {kind.upper()} file ({reason}).") from e
