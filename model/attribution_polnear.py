"""PolNeAR's gold attributions (source, cue, content), read straight from the shared archive.

PolNeAR (Newell, Margolin & Ruths, LREC 2018) ships brat standoff: ``data/<split>/text/<name>.txt``
and ``data/<split>/attributions/<name>_<annotator>.ann``. The archive's members are read in
memory, so no article text is ever written to disk, let alone into this repository. Where
several annotators marked one article, the first in sorted order is used, as in the corpus's
``polnear_sentences.csv.gz`` (its SOURCE.md), so every figure here counts one annotation per
article. A source or cue may be discontinuous, so each is a tuple of ``(start, end)`` parts.
"""

from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from .corpora import data_dir
from .errors import DataError

ARCHIVE_NAME = "polnear_v1.0.0_text_attributions.tar.gz"
SPLITS = ("train", "dev", "test")

Parts = tuple[tuple[int, int], ...]

# "T12<TAB>Cue 113 119;130 135<TAB>text": the text may run over several lines, so only the
# head of each line is parsed and continuation lines never match.
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_EVENT = re.compile(r"^(E\d+)\t(.+)$")


@dataclass(frozen=True)
class GoldRelation:
    """One annotated attribution: empty ``source`` where the annotator marked none."""

    source: Parts
    cue: Parts
    content: Parts


@dataclass(frozen=True)
class GoldArticle:
    """One article's text and its annotated attributions, in file order."""

    name: str
    text: str
    relations: tuple[GoldRelation, ...]


def default_archive() -> Path:
    """Where PolNeAR lives: ``NEWSFRAME_DATA_DIR/polnear/<archive>`` (default ``../shared/data``)."""
    return data_dir() / "polnear" / ARCHIVE_NAME


def read_split(split: str, archive: str | Path | None = None, limit: int | None = None) -> list[GoldArticle]:
    """Read one official split of PolNeAR.

    Parameters
    ----------
    split : {"train", "dev", "test"}
        The official compartment. Train on ``train``, tune on ``dev``, report on ``test`` only.
    archive : str or Path, optional
        The ``.tar.gz`` as shipped, or a directory it was extracted to (holding ``data/`` or the
        split folders). Default: :func:`default_archive`.
    limit : int, optional
        Keep only ``limit`` articles, evenly spaced in name order (quick fits in tests). Names
        start with the publisher, so a sample spans all seven.

    Returns
    -------
    list of GoldArticle
        Sorted by article name, so a ``limit`` sample is the same on every machine.

    Raises
    ------
    DataError
        When the split name is unknown, the archive is missing, or the split holds no article.
    """
    if split not in SPLITS:
        raise DataError(f"PolNeAR split must be one of {list(SPLITS)}; found {split!r}.")
    path = Path(archive) if archive is not None else default_archive()
    if not path.exists():
        raise DataError(
            f"PolNeAR is not at {str(path)!r}. Put {ARCHIVE_NAME} under NEWSFRAME_DATA_DIR/polnear/ "
            "or pass its path."
        )
    files = _read_dir(path, split) if path.is_dir() else _read_tar(path, split)
    articles = _pair(files, split, limit)
    if not articles:
        raise DataError(f"PolNeAR split {split!r} in {str(path)!r} holds no article with annotations.")
    return articles


def _read_tar(path: Path, split: str) -> dict[str, str]:
    """``{member path: text}`` for one split's ``.txt`` and ``.ann`` members, read in memory."""
    files: dict[str, str] = {}
    marker = f"/{split}/"
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if member.isfile() and marker in f"/{member.name}" and member.name.endswith((".txt", ".ann")):
                handle = tar.extractfile(member)
                if handle is not None:
                    files[member.name] = handle.read().decode("utf-8")
    return files


def _read_dir(path: Path, split: str) -> dict[str, str]:
    roots = [p for p in (path / "data" / split, path / split) if p.is_dir()]
    if not roots:
        return {}
    return {
        str(f.relative_to(roots[0].parent)): f.read_text(encoding="utf-8")
        for pattern in ("text/*.txt", "attributions/*.ann")
        for f in roots[0].glob(pattern)
    }


def _pair(files: dict[str, str], split: str, limit: int | None) -> list[GoldArticle]:
    texts = {Path(k).stem: v for k, v in files.items() if k.endswith(".txt") and "/text/" in f"/{k}"}
    annotations: dict[str, str] = {}
    for key in sorted(k for k in files if k.endswith(".ann")):
        name = Path(key).stem.rsplit("_", 1)[0]
        annotations.setdefault(name, files[key])  # first annotator in sorted order
    names = sorted(n for n in annotations if n in texts)
    if limit is not None and 0 < limit < len(names):
        names = [names[i * len(names) // limit] for i in range(limit)]
    return [GoldArticle(n, texts[n], parse_ann(annotations[n], len(texts[n]))) for n in names]


def parse_ann(ann: str, text_length: int) -> tuple[GoldRelation, ...]:
    """The attributions of one brat ``.ann`` file; parts outside the text are dropped."""
    bounds: dict[str, Parts] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        if m := _TEXT_BOUND.match(line):
            parts = tuple(tuple(map(int, p.split())) for p in m.group(3).split(";"))
            bounds[m.group(1)] = tuple((s, e) for s, e in parts if 0 <= s < e <= text_length)
        elif m := _EVENT.match(line):
            events.append(dict(arg.split(":", 1) for arg in m.group(2).split() if ":" in arg))
    relations = []
    for args in events:
        cue = bounds.get(args.get("Cue", ""), ())
        if not cue:
            continue
        content = tuple(p for key in sorted(args) if key.startswith("Content") for p in bounds.get(args[key], ()))
        relations.append(GoldRelation(bounds.get(args.get("Source", ""), ()), cue, tuple(sorted(content))))
    return tuple(relations)
