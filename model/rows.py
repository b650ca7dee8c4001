"""One chunk of texts in, the ``score`` command's output rows out, through the public ``Model`` API.

These functions run wherever the scoring runs: in the CLI's process, in joblib workers and on
Dask workers, so every engine writes the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .core import MAX_CHARS, Model
from .labels import FRAMES
from .results import SCORE_COLUMNS

SENTENCE_COLUMNS: tuple[str, ...] = ("doc_id", "sent_idx", "start", "end", "frame", *(f"p_{f}" for f in FRAMES))
"""The columns of ``score --sentences``: one row per sentence of every scored document."""

WHO_COLUMNS: tuple[str, ...] = ("source", "source_start", "source_end", "source_resolved", "cue")
"""Added to the sentence rows by ``score --sentences FILE --attribution``: who said it, by which words
(a cue in several parts is joined with " ... "); empty where a sentence attributes nothing."""

PROB_DECIMALS = 4
"""Probabilities are written to 4 decimals, as ``DocScore.to_row`` writes ``topic_prob``."""


def doc_columns(model: Model, texts: Sequence[Any]):
    """``SCORE_COLUMNS`` for each text, as a frame; ``topic_prob`` is missing (NaN) on error rows.

    Missing rather than '' so that JSONL writes null and Parquet a float column; CSV still
    writes an empty cell.
    """
    return _doc_frame(model.score(list(texts)))


def score_rows(model: Model, texts: Sequence[Any], doc_ids: Sequence[Any], attribution: bool = False):
    """``(doc_columns, sentence rows)`` of one chunk from a single ``Model.score`` call.

    The sentence rows are ``doc_id, sent_idx, start, end, frame, p_<frame>...`` (and
    ``WHO_COLUMNS`` with ``attribution``, from ``Model.who_said_what``). Segmentation and frame
    probabilities are those of ``Model.analyze`` (the text is cut at ``MAX_CHARS`` and split by
    ``split_sentences``; each sentence goes through ``predict_frame_proba``), without computing
    explanations, which is most of analyze's time. Texts that are not strings have no
    sentences, like the error rows of ``Model.score``.
    """
    scores, sentences = model.score(list(texts), return_sentences=True)
    return _doc_frame(scores), _sentence_frame(model, texts, doc_ids, sentences, attribution)


def _doc_frame(scores):
    """The ``SCORE_COLUMNS`` frame of ``Model.score``'s results."""
    import pandas as pd

    frame = pd.DataFrame([r.to_row() for r in scores], columns=list(SCORE_COLUMNS))
    frame["topic_prob"] = pd.to_numeric(frame["topic_prob"].replace("", None), errors="coerce").astype("float64")
    return frame


def _sentence_frame(model: Model, texts: Sequence[Any], doc_ids: Sequence[Any], sentences, attribution: bool):
    """The sentence rows of ``Model.score``'s per-text ``(spans, probs)``."""
    import numpy as np
    import pandas as pd

    ids, idx, starts, ends, who = [], [], [], [], []
    for doc_id, text, (spans, _) in zip(doc_ids, texts, sentences):
        if attribution and isinstance(text, str):
            who += model.who_said_what(text[:MAX_CHARS])
        ids += [doc_id] * len(spans)
        idx += range(len(spans))
        starts += [start for start, _ in spans]
        ends += [end for _, end in spans]
    probs = np.vstack([p for _, p in sentences]) if sentences else np.zeros((0, len(FRAMES)))
    frame = pd.DataFrame({"doc_id": ids, "sent_idx": idx, "start": starts, "end": ends})
    frame["doc_id"] = frame["doc_id"].astype(object)
    frame["frame"] = [FRAMES[i] for i in probs.argmax(axis=1)] if len(probs) else []
    for j, label in enumerate(FRAMES):
        frame[f"p_{label}"] = probs[:, j].round(PROB_DECIMALS)
    frame = frame.astype({"sent_idx": "int64", "start": "int64", "end": "int64"})[list(SENTENCE_COLUMNS)]
    return _with_who(frame, who) if attribution else frame


def _with_who(frame, who: list[dict[str, Any]]):
    """``frame`` plus ``WHO_COLUMNS``; offsets are nullable integers, texts one line each."""
    import pandas as pd

    def line(mention) -> str:
        return " ".join(mention.text.split()) if mention is not None else ""

    frame["source"] = [line(w["source"]) for w in who]
    frame["source_start"] = pd.array([w["source"].start if w["source"] else None for w in who], dtype="Int64")
    frame["source_end"] = pd.array([w["source"].end if w["source"] else None for w in who], dtype="Int64")
    frame["source_resolved"] = [line(w["source_resolved"]) for w in who]
    frame["cue"] = [" ... ".join(line(c) for c in w["cue"]) for w in who]
    return frame
