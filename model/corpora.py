"""Corpus specs: where labelled text comes from, and how its labels map to newsframe's.

A SPEC is one of
- a corpus name from ``data/corpora.toml`` (the default recipe, paths relative to
  ``NEWSFRAME_DATA_DIR``, default ``../shared/data``);
- a local file (``.csv``, ``.csv.gz``, ``.json``, ``.jsonl``, ``.parquet``), read with
  ``datasets.load_dataset``; a path that does not exist is an error, never a hub lookup;
- ``hf:owner/name``, a dataset on the Hugging Face hub (needs the network).
Options follow a ``?`` as in a URL query: ``text=COL&label=COL&map=NAME&split=SPLIT&where=COL:VALUE``.
``map`` names a corpus in ``data/label_maps/<task>.csv``; without it, labels must already be
newsframe labels.
"""

from __future__ import annotations

import csv
import os
import random
import tomllib
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from .errors import DataError, InputError
from .labels import FRAMES, TOPICS

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEAM_DATA_DIR = PROJECT_DIR / "data"
LABELS = {"topics": TOPICS, "frames": FRAMES}
_BUILDERS = {".csv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}


def data_dir() -> Path:
    """Where the shared corpora live: ``NEWSFRAME_DATA_DIR`` or ``../shared/data`` beside the repo."""
    return Path(os.environ.get("NEWSFRAME_DATA_DIR", PROJECT_DIR.parent / "shared" / "data"))


@dataclass(frozen=True)
class Labelled:
    """Texts with newsframe labels and per-row sample weights, from one or more sources."""

    texts: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    sources: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    """Rows of each source left out by ``model.review`` (not counted in ``sources``)."""

    def __add__(self, other: Labelled) -> Labelled:
        return Labelled(
            self.texts + other.texts,
            self.labels + other.labels,
            self.weights + other.weights,
            {**self.sources, **other.sources},
            {**self.left_out, **other.left_out},
        )

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, rows: Iterable[int], sources: dict[str, int] | None = None) -> Labelled:
        """These rows, in this order; ``sources`` replaces the row counts when given."""
        rows = list(rows)
        return Labelled(
            tuple(self.texts[i] for i in rows),
            tuple(self.labels[i] for i in rows),
            tuple(self.weights[i] for i in rows),
            self.sources if sources is None else sources,
            self.left_out,
        )

    def capped(self, max_per_label: int, rng: random.Random) -> Labelled:
        """At most ``max_per_label`` rows of each label, drawn by ``rng``, in their original order."""
        order = list(range(len(self)))
        rng.shuffle(order)
        seen: Counter[str] = Counter()
        keep = []
        for i in order:
            seen[self.labels[i]] += 1
            if seen[self.labels[i]] <= max_per_label:
                keep.append(i)
        return self.take(sorted(keep))


@dataclass(frozen=True)
class CorpusSpec:
    """One parsed SPEC."""

    name: str
    task: str
    source: str
    text: str = "text"
    label: str = "label"
    map: str | None = None
    split: str = "train"
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    terms: str = "as stated by the corpus's owner (check before use)"
    commercial: bool = False

    @property
    def is_hub(self) -> bool:
        return self.source.startswith("hf:")


def recipe() -> dict[str, dict]:
    """The named corpora of ``data/corpora.toml``."""
    path = TEAM_DATA_DIR / "corpora.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def parse_spec(spec: str, task: str) -> CorpusSpec:
    """Turn a SPEC string into a ``CorpusSpec`` (see the module docstring for the forms)."""
    if task not in LABELS:
        raise ValueError(f"task must be 'topics' or 'frames'; got {task!r}.")
    named = recipe()
    if spec in named:
        entry = dict(named[spec])
        if entry.get("task", task) != task:
            raise InputError(f"Corpus {spec!r} holds {entry['task']} labels, not {task}.")
        source = entry.pop("path")
        if not source.startswith("hf:"):
            source = str(data_dir() / source)
        where = {k: _as_tuple(v) for k, v in entry.pop("where", {}).items()}
        entry.pop("task", None)
        return CorpusSpec(name=spec, task=task, source=source, where=where, **entry)
    source, _, query = spec.partition("?")
    opts = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    unknown = sorted(set(opts) - {"text", "label", "map", "split", "where"})
    if unknown:
        raise InputError(
            f"Unknown option(s) {unknown} in corpus spec {spec!r}; "
            "expected text=, label=, map=, split= or where=COL:VALUE."
        )
    where: dict[str, tuple[str, ...]] = {}
    for clause in filter(None, opts.pop("where", "").split(",")):
        col, sep, value = clause.partition(":")
        if not sep:
            raise InputError(f"where= takes COL:VALUE pairs; got {clause!r} in {spec!r}.")
        where[col] = where.get(col, ()) + (value,)
    if not source.startswith("hf:"):
        path = Path(source)
        if not path.exists():
            raise InputError(
                f"No corpus file at {source!r} (and {source!r} is not a corpus name in data/corpora.toml: "
                f"{', '.join(sorted(named)) or 'none'}). For a hub dataset write hf:owner/name."
            )
    name = Path(source).name if not source.startswith("hf:") else source
    # A file or hub id named on the command line is the user's to vouch for.
    return CorpusSpec(name=name, task=task, source=source, where=where, terms="supplied by the user",
                      commercial=True, **opts)


def load_corpus(spec: CorpusSpec, max_rows_per_label: int | None = None, seed: int = 0,
                exclude: Collection[str] = frozenset()) -> Labelled:
    """Read a corpus through ``datasets``, filter it, map its labels and cap each label's rows.

    Rows whose text is in ``exclude`` are skipped: the team labelled them as development rows
    (``dev_texts``), so they must never be trained on with the corpus's own label.
    """
    frame = _read(spec)
    for col in (spec.text, spec.label, *spec.where):
        if col not in frame.columns:
            raise DataError(
                f"Corpus {spec.name!r} needs a column {col!r}; found {list(frame.columns)}. "
                "Name the right ones with ?text=COL&label=COL."
            )
    for col, values in spec.where.items():
        frame = frame[frame[col].astype(str).isin(values)]
    frame = frame[frame[spec.text].notna() & frame[spec.label].notna()]
    if exclude:
        frame = frame[~frame[spec.text].astype(str).isin(exclude)]
    raw = frame[spec.label].astype(str)
    if spec.map:
        mapping = label_map(spec.task, spec.map)
        labels = raw.map(lambda v: mapping.get(v, ""))
    else:
        allowed = set(LABELS[spec.task])
        bad = sorted(set(raw) - allowed)
        if bad:
            raise DataError(
                f"Corpus {spec.name!r} has labels outside the {spec.task} label set: {bad[:8]}. "
                f"Add a label map (?map=NAME, data/label_maps/{spec.task}.csv)."
            )
        labels = raw
    keep = labels != ""
    data = Labelled(
        tuple(frame.loc[keep, spec.text].astype(str).tolist()), tuple(labels[keep].tolist()),
        (1.0,) * int(keep.sum()),
    )
    if max_rows_per_label:
        data = data.capped(max_rows_per_label, random.Random(seed))
    return replace(data, sources={spec.name: len(data)})


def _read(spec: CorpusSpec):
    from datasets import load_dataset

    if spec.is_hub:
        try:
            ds = load_dataset(spec.source[3:], split=spec.split)
        except Exception as e:  # the hub raises many types; all mean "could not get it"
            raise InputError(f"Could not load hub dataset {spec.source!r}: {e}") from e
        return ds.to_pandas()
    path = Path(spec.source)
    suffixes = [s for s in path.suffixes if s != ".gz"]
    builder = _BUILDERS.get(suffixes[-1] if suffixes else "")
    if builder is None:
        raise InputError(
            f"Cannot read corpus file {path}: expected .csv, .json, .jsonl or .parquet (optionally .gz)."
        )
    return load_dataset(builder, data_files=str(path), split="train").to_pandas()


def label_map(task: str, corpus: str) -> dict[str, str]:
    """Source label -> newsframe label ('' for labels deliberately left unmapped)."""
    path = TEAM_DATA_DIR / "label_maps" / f"{task}.csv"
    target = "topic" if task == "topics" else "frame"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["corpus"] == corpus]
    if not rows:
        raise DataError(f"No label map for corpus {corpus!r} in {path}.")
    return {r["source_label"]: r[target] for r in rows}


def team_data(task: str, weight: float = 1.0) -> Labelled:
    """The team's own labelled text: ``data/topics/*.csv`` or ``data/frames/*.csv``."""
    column = "topic" if task == "topics" else "frame"
    out = Labelled()
    for path in sorted((TEAM_DATA_DIR / task).glob("*.csv")):
        texts, labels = read_labelled_csv(path, column, LABELS[task])
        out = out + Labelled(tuple(texts), tuple(labels), (weight,) * len(texts), {f"data/{task}/{path.name}": len(texts)})
    return out


def dev_texts(task: str) -> frozenset[str]:
    """The development set's texts: corpus rows that training must skip (``load_corpus(exclude=...)``)."""
    return frozenset(dev_set(task).texts)


def read_labelled_csv(path: Path, column: str, allowed: Iterable[str]) -> tuple[list[str], list[str]]:
    """Read ``text`` and a label column from a CSV we wrote, checking every label."""
    allowed = set(allowed)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bad = [(i + 2, r.get(column)) for i, r in enumerate(rows) if r.get(column) not in allowed]
    if bad:
        raise DataError(f"{path}: line {bad[0][0]} has label {bad[0][1]!r}; expected one of {sorted(allowed)}.")
    return [r["text"] for r in rows], [r[column] for r in rows]


def _as_tuple(value) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


# The team's labels for rows of the shared corpora (the development sets), stored as
# (corpus, key, label) so no corpus text is copied. Each source says where the rows are and how a
# row's key is made.
REF_SOURCES = {
    "polnear_dev": ("polnear/polnear_sentences.csv.gz", ("article", "sent_idx"), "text"),
    "polnear_train": ("polnear/polnear_sentences.csv.gz", ("article", "sent_idx"), "text"),
    "fnc1_train_bodies": ("fnc1/train_bodies.csv.gz", ("Body ID",), "articleBody"),
    "fnc1_test_bodies": ("fnc1/competition_test_bodies.csv.gz", ("Body ID",), "articleBody"),
}
DEV_FILES = {"topics": ("dev/topics_dev.csv",), "frames": ("dev/frames_dev.csv", "dev/frames_polnear_train.csv")}
EXPOSED_NOTE = "left out of held-out figures"
"""Marks (in a dev file's ``note`` column) rows whose wording reached a data-writing brief, so no figure
that claims to be held out may score them."""


def is_exposed(row: dict[str, str]) -> bool:
    """Whether a dev file's row carries ``EXPOSED_NOTE``."""
    return EXPOSED_NOTE in (row.get("note") or "")


def dev_set(task: str) -> Labelled:
    """The team-labelled development set for ``task``, resolved against the shared corpora.

    Rows whose corpus is absent are skipped (an empty ``Labelled`` when nothing is present).
    """
    return sum((referenced_rows(TEAM_DATA_DIR / f, task, f) for f in DEV_FILES[task]), Labelled())


def dev_heldout_split(task: str) -> tuple[Labelled, Labelled] | None:
    """(fit, test) for a fully held-out figure: the later dev files fit what is fitted on dev rows,
    the first file's rows not marked ``EXPOSED_NOTE`` are scored. None for a task with one dev file."""
    first, *rest = DEV_FILES[task]
    if not rest:
        return None
    fit = sum((referenced_rows(TEAM_DATA_DIR / f, task, f) for f in rest), Labelled())
    test = referenced_rows(TEAM_DATA_DIR / first, task, first, skip_exposed=True)
    return (fit, test) if len(fit) and len(test) else None


@lru_cache(maxsize=4)
def _key_lookup(source: str, mtime_ns: int, size: int, key_cols: tuple[str, ...], text_col: str) -> dict[str, str]:
    """Key -> text of one shared corpus file. Cached on the file's path, mtime and size: training
    resolves the dev files several times (exclusion, prior shifts, the held-out split), and the
    PolNeAR table is the slow part of each."""
    import pandas as pd

    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    return dict(zip(table[list(key_cols)].agg("#".join, axis=1), table[text_col]))


def referenced_rows(path: Path, task: str, name: str, weight: float = 1.0, skip_exposed: bool = False) -> Labelled:
    """The rows a (corpus, key, label) file names, with its labels; corpora that are absent are skipped,
    and so are rows marked ``EXPOSED_NOTE`` when ``skip_exposed``."""
    if not path.exists():
        return Labelled()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if skip_exposed:
        rows = [r for r in rows if not is_exposed(r)]
    bad = sorted({r["label"] for r in rows} - set(LABELS[task]))
    if bad:
        raise DataError(f"{path}: labels outside the {task} label set: {bad}.")
    texts, labels = [], []
    for corpus in sorted({r["corpus"] for r in rows}):
        rel, key_cols, text_col = REF_SOURCES[corpus]
        source = data_dir() / rel
        if not source.exists():
            continue
        stat = source.stat()
        lookup = _key_lookup(str(source), stat.st_mtime_ns, stat.st_size, key_cols, text_col)
        for r in rows:
            if r["corpus"] == corpus:
                if r["key"] not in lookup:
                    raise DataError(f"{path}: key {r['key']!r} is not in {source}.")
                texts.append(lookup[r["key"]])
                labels.append(r["label"])
    if not texts:
        return Labelled()
    return Labelled(tuple(texts), tuple(labels), (weight,) * len(texts), {name: len(texts)})
