"""Held-out figures for a trained model: corpora or splits the default recipe never trains on."""

from __future__ import annotations

from pathlib import Path

from .core import Model
from .corpora import load_corpus, parse_spec
from .evaluate import evaluate

# name -> (task, corpus, rows per label): capped so every label weighs about the same.
HELDOUT = {
    "frames/polnear_test": ("frames", "polnear_test", 100),
    "frames/hedge_test": ("frames", "hedge_test", 1000),
    "frames/emergent_test": ("frames", "emergent", 200),
    "topics/20newsgroups_test": ("topics", "20newsgroups_test", 400),
}


def heldout_metrics(model: Model, log=None) -> dict[str, dict]:
    """Evaluate on every held-out set that is present; absent ones are skipped."""
    out = {}
    for name, (task, corpus, cap) in HELDOUT.items():
        spec = parse_spec(corpus, task)
        if not Path(spec.source).exists():
            continue
        data = load_corpus(spec, cap, seed=0)
        out[name] = evaluate(model, data.texts, data.labels, task)
        if log is not None:
            print(f"{name}: accuracy {out[name]['accuracy']:.3f}, macro-F1 {out[name]['macro_f1']:.3f} (n={out[name]['n']})", file=log)
    return out
