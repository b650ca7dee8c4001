"""Precision and recall of attribution sources and cues against PolNeAR's gold spans.

Every annotated relation counts: a source shared by two cues is two gold sources, as it is two
predicted ones when the tagger links both cues to it. A prediction is correct under *exact*
match when its character span equals a gold one, under *overlap* when they share a character.

    recall    = gold spans matched by some predicted span / gold spans
    precision = predicted spans matching some gold span / predicted spans

Sources are counted over relations that have one (PolNeAR marks some relations source-less);
cues over all relations. Content figures (overlap only: content boundaries are loose in news
and in the annotation) are given for information.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from .attribution_link import Relation
from .attribution_polnear import Parts, read_split
from .segment import split_sentences



class _Tagger(Protocol):
    def relations(
        self, text: str, sentence_spans: Sequence[tuple[int, int]] | None = None
    ) -> tuple[list, list[Relation]]: ...


def _overlaps(a: Parts, b: Parts) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _counts(gold: list[Parts], pred: list[Parts]) -> dict[str, int]:
    """Matched counts for one article (positions differ across articles, so match per article)."""
    gold_exact, pred_exact = set(gold), set(pred)
    return {
        "gold": len(gold),
        "predicted": len(pred),
        "recall_exact": sum(g in pred_exact for g in gold),
        "precision_exact": sum(p in gold_exact for p in pred),
        "recall_overlap": sum(any(_overlaps(g, p) for p in pred) for g in gold),
        "precision_overlap": sum(any(_overlaps(p, g) for g in gold) for p in pred),
    }


def _figures(total: dict[str, int], exact: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"gold": total["gold"], "predicted": total["predicted"]}
    for match in ("exact", "overlap") if exact else ("overlap",):
        p = total[f"precision_{match}"] / total["predicted"] if total["predicted"] else 0.0
        r = total[f"recall_{match}"] / total["gold"] if total["gold"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[match] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    return out


def evaluate_attribution(
    tagger: _Tagger, split: str = "test", polnear: str | Path | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Score ``tagger`` on one PolNeAR split.

    Parameters
    ----------
    tagger : AttributionTagger
        A fitted tagger (anything with ``relations(text, sentence_spans)``).
    split : {"test", "dev", "train"}, default="test"
        Report on ``test``; tune on ``dev`` only.
    polnear : str or Path, optional
        The PolNeAR archive or its extracted directory (default under ``NEWSFRAME_DATA_DIR``).
    limit : int, optional
        Score only the first ``limit`` articles.

    Returns
    -------
    dict
        ``{"split", "articles", "relations", "source": {...}, "cue": {...}, "content": {...}}``;
        source and cue hold ``gold``, ``predicted`` and ``exact``/``overlap`` precision, recall, F1.
    """
    keys = ("gold", "predicted", "recall_exact", "precision_exact", "recall_overlap", "precision_overlap")
    totals = {role: dict.fromkeys(keys, 0) for role in ("source", "cue", "content")}
    articles = read_split(split, polnear, limit)
    for article in articles:
        _, predicted = tagger.relations(article.text, split_sentences(article.text))
        gold = article.relations
        pairs = {
            "source": ([r.source for r in gold if r.source], [(r.source,) for r in predicted if r.source]),
            "cue": ([r.cue for r in gold], [r.cue for r in predicted]),
            "content": ([r.content for r in gold if r.content], [(r.content,) for r in predicted if r.content]),
        }
        for role, (gold, pred) in pairs.items():
            for key, value in _counts(gold, pred).items():
                totals[role][key] += value
    return {
        "split": split,
        "articles": len(articles),
        "relations": sum(len(a.relations) for a in articles),
        "source": _figures(totals["source"]),
        "cue": _figures(totals["cue"]),
        "content": _figures(totals["content"], exact=False),
    }


def format_attribution_report(result: dict[str, Any]) -> str:
    """A plain-text table of :func:`evaluate_attribution` output."""
    lines = [
        f"PolNeAR {result['split']}: {result['articles']} articles, {result['relations']} annotated relations",
        "",
        f"{'span':<8} {'match':<8} {'precision':>9} {'recall':>7} {'F1':>6} {'gold':>6} {'predicted':>9}",
    ]
    for role in ("source", "cue", "content"):
        fig = result[role]
        for match in ("exact", "overlap"):
            if match in fig:
                m = fig[match]
                lines.append(
                    f"{role:<8} {match:<8} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} "
                    f"{fig['gold']:6d} {fig['predicted']:9d}"
                )
    return "\n".join(lines)
