"""Exact explanations of the linear heads, mapped to character spans of the user's text.

A feature's contribution to a class score is its tf-idf value times the class coefficient.
A feature seen several times in a sentence shares its contribution equally among its
occurrences, and an occurrence shares it equally among the tokens it spans, so the token
weights plus the intercept add up to ``decision_function`` exactly (up to float rounding).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import scipy.sparse as sp

from .results import Span
from .vectorize import SentenceVectorizer


def token_weights(
    vectorizer: SentenceVectorizer,
    row: sp.csr_matrix,
    coef: np.ndarray,
    text: str,
    base: int = 0,
    scale: float = 1.0,
    into: dict[tuple[int, int], float] | None = None,
) -> dict[tuple[int, int], float]:
    """Add each token's contribution (``scale`` times its share of ``row @ coef``) to ``into``.

    ``row`` is the sentence's vector as the vectorizer produced it for ``text``; offsets are
    shifted by ``base`` so they index the whole document.
    """
    out: dict[tuple[int, int], float] = defaultdict(float) if into is None else into
    occurrences = vectorizer.analyzer.spans(text)
    if not occurrences:
        return out
    cols = [vectorizer.column(name) for name, _ in occurrences]
    counts = Counter(cols)
    values = dict(zip(row.indices.tolist(), row.data.tolist()))
    for (_, parts), col in zip(occurrences, cols):
        share = values.get(col, 0.0) * float(coef[col]) * scale / (counts[col] * len(parts))
        for start, end in parts:
            key = (base + start, base + end)
            out[key] = out.get(key, 0.0) + share
    return out


def as_spans(weights: dict[tuple[int, int], float]) -> tuple[Span, ...]:
    """All token weights as ``Span``s in text order."""
    return tuple(Span(s, e, w) for (s, e), w in sorted(weights.items()))


def top_evidence(weights: dict[tuple[int, int], float], k: int, min_weight: float = 1e-3) -> tuple[Span, ...]:
    """The ``k`` tokens that pushed the score up most, strongest first."""
    ranked = sorted(weights.items(), key=lambda kv: -kv[1])
    return tuple(Span(s, e, round(w, 4)) for (s, e), w in ranked[:k] if w > min_weight)
