"""The unfinished part of a ``score`` run: one file per finished chunk, kept beside the output.

Each chunk is written to its own file (temporary name, then rename), so a run killed at any
moment leaves only whole chunks behind, and ``--resume`` skips them. When every chunk is there,
``assemble`` concatenates them, in order, into one temporary file that the caller checks and
renames over the output. The folder records the run's settings, so a resume with another input,
model or options is refused instead of mixing two runs in one file.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path
from typing import Any

from .errors import InputError


class Spool:
    """The chunk files of one output (``.NAME.parts/`` beside ``out``).

    Parameters
    ----------
    out : Path
        The output file the chunks will become.
    settings : dict
        What must not change between an interrupted run and its resume (input file size and
        time, columns, chunk size, formats, model hash).
    """

    def __init__(self, out: Path, settings: dict[str, Any]):
        self.dir = out.parent / f".{out.name}.parts"
        self.settings = settings

    def open(self, resume: bool, log=None) -> set[int]:
        """Prepare the folder; return the chunk numbers already written (empty unless ``resume``)."""
        meta = self.dir / "run.json"
        if resume and meta.is_file():
            before = json.loads(meta.read_text(encoding="utf-8"))
            changed = [k for k in self.settings if before.get(k) != self.settings[k]]
            if changed:
                raise InputError(
                    f"cannot --resume: the unfinished run in {self.dir} had other {', '.join(changed)} "
                    f"({', '.join(f'{before.get(k)!r}, now {self.settings[k]!r}' for k in changed)}). "
                    "Run without --resume to start over."
                )
            return {int(p.name.split(".")[0]) for p in self.dir.glob("*.docs")}
        if log is not None:
            if resume:
                print("nothing to resume: starting from the first row", file=log)
            elif meta.is_file():
                print(f"starting over (an unfinished run in {self.dir} is discarded; --resume continues one)", file=log)
        self.remove()
        self.dir.mkdir()
        _atomic_write(meta, lambda p: p.write_text(json.dumps(self.settings, indent=1), encoding="utf-8"))
        return set()

    def write(self, index: int, docs, sentences, fmt: str, sentence_fmt: str | None) -> None:
        """Store one scored chunk; the sentences first, so a chunk with its docs file is complete."""
        if sentences is not None:
            _atomic_write(self._path(index, "sents"), lambda p: write_frame(sentences, p, sentence_fmt))
        _atomic_write(self._path(index, "docs"), lambda p: write_frame(docs, p, fmt))

    def assemble(self, kind: str, n_chunks: int, columns: list[str], fmt: str, dest: Path) -> None:
        """Concatenate chunks ``0..n_chunks-1`` of ``kind`` ('docs' or 'sents') into ``dest``."""
        paths = [self._path(i, kind) for i in range(n_chunks)]
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            raise RuntimeError(f"{self.dir}: chunk files {missing[:3]} are missing; rerun without --resume.")
        if fmt == "parquet":
            _concat_parquet(paths, dest)
            return
        opener = gzip.open if dest.suffix.lower() == ".gz" else open
        with opener(dest, "wb") as out:
            if fmt == "csv":
                import pandas as pd

                out.write(pd.DataFrame(columns=columns).to_csv(index=False).encode("utf-8"))
            for p in paths:
                with open(p, "rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def _path(self, index: int, kind: str) -> Path:
        return self.dir / f"{index:08d}.{kind}"


def write_frame(frame, path: Path, fmt: str) -> None:
    """One chunk in ``fmt``: CSV rows without a header, JSON lines, or a Parquet file."""
    if fmt == "csv":
        frame.to_csv(path, header=False, index=False)
    elif fmt == "jsonl":
        text = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso",
                             double_precision=15) if len(frame) else ""
        path.write_text(text, encoding="utf-8")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise InputError(f"cannot write Parquet: {e}. Write CSV or JSONL instead (--format csv).") from e
        pq.write_table(table.replace_schema_metadata(None), path)


def _concat_parquet(paths: list[Path], dest: Path) -> None:
    """One Parquet file from the chunk files, one row group each, under their unified schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pa.unify_schemas([pq.read_schema(p) for p in paths], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise InputError(f"cannot write Parquet: a column changes type between rows ({e}). "
                         "Write CSV or JSONL instead (--format csv).") from e
    with pq.ParquetWriter(dest, schema) as writer:
        for p in paths:
            writer.write_table(pq.read_table(p).select(schema.names).cast(schema))


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)
