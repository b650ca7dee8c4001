"""Scoring files: every input row, in order, all its columns, then the result columns.

The file is read in chunks and written to a temporary file beside the output, which is renamed
into place only when every row is written, so a failed run never leaves a half-written output.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .core import Model
from .errors import InputError
from .files import iter_table
from .results import SCORE_COLUMNS


def score_file(
    model: Model,
    input_path: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    text_column: str = "text",
    chunk_size: int = 2000,
    progress: bool = True,
) -> dict[str, int]:
    """Score ``input_path`` into ``output_path`` (CSV or JSONL by extension); returns counts."""
    from tqdm.auto import tqdm

    out = Path(output_path)
    fmt = "jsonl" if out.suffix in (".jsonl", ".json") else "csv"
    if out.is_dir():
        raise InputError(f"{out}: is a directory; --out needs a file name.")
    if not out.parent.exists():
        raise InputError(f"{out.parent}: no such directory for --out.")
    if Path(input_path).resolve() == out.resolve():
        raise InputError(f"{out}: --out must differ from the input file.")
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    rows = errors = 0
    bar = tqdm(unit=" rows", disable=not progress, file=sys.stderr, desc="scoring")
    try:
        for i, chunk in enumerate(iter_table(input_path, chunk_size)):
            if text_column not in chunk.columns:
                raise InputError(
                    f"{input_path}: no column {text_column!r}; found {list(chunk.columns)}. "
                    "Pass --text-column NAME."
                )
            clash = [c for c in SCORE_COLUMNS if c in chunk.columns]
            if clash:
                raise InputError(
                    f"{input_path}: already has result column(s) {clash}; rename them or score the original file."
                )
            results = model.score(chunk[text_column].tolist())
            table = [r.to_row() for r in results]
            for col in SCORE_COLUMNS:
                chunk[col] = [row[col] for row in table]
            if fmt == "csv":
                chunk.to_csv(tmp, mode="a", header=i == 0, index=False)
            else:
                chunk.to_json(tmp, orient="records", lines=True, mode="a", force_ascii=False)
            rows += len(chunk)
            errors += sum(1 for r in results if r.error)
            bar.update(len(chunk))
        bar.close()
        if rows == 0:
            raise InputError(f"{input_path}: has a header but no rows to score.")
        os.replace(tmp, out)
    finally:
        bar.close()
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {"rows": rows, "errors": errors}
