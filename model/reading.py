"""How the topic head reads a text: sentence by sentence, pooled, or as one bag of words.

``pooled`` (the default) scores each sentence of a text of at least ``min_sentences`` (the
config's ``topic_pool_min_sentences``, 5: ``Reading``) with the linear head and averages the sentences'
softmax probabilities; the temperature is then applied to that average (``temper``). A long
article gets one vote per sentence, so a few strongly worded off-topic sentences cannot swamp
it. The average is exactly the sum of each sentence's share, and each sentence's probability is
one linear score whose token contributions are exact, so the explanation stays exact
(``Model.explain_topic``). ``whole`` reads the text as one bag of words. Measured on the team's
development articles (docs/evaluation.md, seventh round): pooling lifted the rows of the five
topics a general news site files under (business, arts, politics, sport, technology) by about
seven points. Shorter texts (headlines, snippets) are read whole: on AG News items (a title and a
line or two) pooling every text cost three points, pooling from five sentences nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .segment import split_sentences
from .vectorize import pooling_matrix

READINGS = ("pooled", "whole")


@dataclass(frozen=True)
class Reading:
    """How a head reads a text: ``kind`` is ``pooled`` (sentence by sentence, for texts of at least
    ``min_sentences``; shorter ones whole) or ``whole`` (one bag of words)."""

    kind: str = "whole"
    min_sentences: int = 1

    def spans(self, text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
        """Offsets of the pieces of ``text`` the head scores (``spans``: its sentences, when the
        caller has split it already)."""
        if self.kind == "pooled":
            found = split_sentences(text) if spans is None else spans
            if self.pools(len(found)):
                return list(found)
        return [(0, len(text))]

    def pools(self, n_sentences: int) -> bool:
        """Whether a text of ``n_sentences`` sentences is read sentence by sentence."""
        return self.kind == "pooled" and n_sentences >= max(self.min_sentences, 1)

    def units(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """The strings the head scores for ``texts``, and how many of them belong to each text."""
        out, lengths = [], []
        for text in texts:
            pieces = self.spans(text)
            out.extend(text[s:e] for s, e in pieces)
            lengths.append(len(pieces))
        return out, np.array(lengths, dtype=np.int64)


WHOLE = Reading()


def pool(proba: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The mean of each text's consecutive rows of ``proba`` (``lengths`` rows per text), with the
    same averaging matrix training uses to pool sentence vectors (``vectorize.pooling_matrix``)."""
    return np.asarray(pooling_matrix(lengths) @ proba)


def temper(proba: np.ndarray, temperature: float | np.ndarray) -> np.ndarray:
    """Calibrate rows of probabilities: ``proba ** (1 / T)``, renormalised (``T``: one, or one per row).

    On one sentence's softmax this is exactly temperature scaling, softmax(z / T); on a pooled
    text it is the same monotone map, so it keeps the order of the topics the sentences' shares
    explain.
    """
    return softmax(np.log(np.maximum(proba, 1e-300)) / temperature)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of scores."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def shares(proba: np.ndarray, column: int) -> np.ndarray:
    """Each row's part of the mean of ``proba[:, column]`` (the rows of one text), scaled to sum to 1.

    These weight the sentences' linear scores in the explanation: the explained score is the
    share-weighted mean of the sentences' scores for the label.
    """
    p = proba[:, column]
    total = p.sum()
    return p / total if total > 0 else np.full(len(p), 1.0 / len(p))
