"""Per-class precision, recall and F1, accuracy, macro-F1 and the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from .core import Model
from .labels import FRAMES, TOPICS


def evaluate(model: Model, texts: Sequence[str], labels: Sequence[str], task: str) -> dict[str, Any]:
    """Score ``model`` on gold ``labels``: ``task`` is 'topics' (texts are documents) or 'frames'
    (texts are standalone sentences). Returns a JSON-ready dict."""
    if task == "topics":
        proba, label_set = model.predict_topic_proba(list(texts)), TOPICS
    else:
        proba, label_set = model.predict_frame_proba(list(texts)), FRAMES
    return metrics(list(labels), proba, label_set)


def metrics(gold: Sequence[str], proba: np.ndarray, label_set: Sequence[str]) -> dict[str, Any]:
    """The figures ``evaluate`` reports from gold labels and predicted probabilities.

    Per-class figures cover the labels that occur in gold or predictions; macro-F1 averages
    over the gold labels. Calibration: expected calibration error of the top probability
    (15 equal-width bins) and the multiclass Brier score.
    """
    proba = np.asarray(proba, dtype=float)
    pred = [label_set[i] for i in proba.argmax(axis=1)] if len(gold) else []
    present = [lab for lab in label_set if lab in set(gold) | set(pred)]
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=present, zero_division=0)
    onehot = np.zeros_like(proba)
    index = {lab: i for i, lab in enumerate(label_set)}
    onehot[np.arange(len(gold)), [index[g] for g in gold]] = 1.0
    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro_f1": round(float(f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0)), 4),
        "per_class": {
            lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(n[i])}
            for i, lab in enumerate(present)
        },
        "labels": present,
        "confusion": confusion_matrix(gold, pred, labels=present).tolist(),
        "ece": round(expected_calibration_error(proba, onehot), 4),
        "brier": round(float(((proba - onehot) ** 2).sum(axis=1).mean()), 4),
    }


def expected_calibration_error(proba: np.ndarray, onehot: np.ndarray, bins: int = 15) -> float:
    """Mean gap between confidence and accuracy of the top label, weighted by bin size."""
    conf = proba.max(axis=1)
    correct = onehot[np.arange(len(proba)), proba.argmax(axis=1)]
    edges = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = edges == b
        if mask.any():
            total += mask.sum() * abs(conf[mask].mean() - correct[mask].mean())
    return float(total / max(len(proba), 1))


def format_report(result: dict[str, Any]) -> str:
    """A plain-text table of ``metrics`` output."""
    labels = result["labels"]
    width = max([len(x) for x in labels] + [10])
    lines = [
        f"n={result['n']}  accuracy={result['accuracy']:.3f}  macro-F1={result['macro_f1']:.3f}  "
        f"ECE={result['ece']:.3f}  Brier={result['brier']:.3f}",
        "",
    ]
    lines.append(f"{'label':<{width}}  precision  recall     f1  support")
    for lab in labels:
        c = result["per_class"][lab]
        lines.append(f"{lab:<{width}}  {c['precision']:9.3f}  {c['recall']:6.3f}  {c['f1']:5.3f}  {c['support']:7d}")
    lines += ["", "confusion (rows gold, columns predicted, in the order above):"]
    lines += ["  " + " ".join(f"{v:5d}" for v in row) for row in result["confusion"]]
    return "\n".join(lines)
