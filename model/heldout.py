"""Held-out figures for a trained model: corpora or splits the default recipe never trains on."""

from __future__ import annotations

from pathlib import Path

from .core import Model
from .corpora import dev_set, load_corpus, parse_spec
from .evaluate import evaluate

# name -> (task, corpus, rows per label): capped so every label weighs about the same.
HELDOUT = {
    "frames/polnear_test (weak labels)": ("frames", "polnear_test", 100),
    "frames/hedge_test (speculation vs neutral)": ("frames", "hedge_test", 1000),
    "frames/emergent_test (denial recall)": ("frames", "emergent", 200),
}


def heldout_metrics(model: Model, log=None) -> dict[str, dict]:
    """Evaluate on the team's development sets and every held-out corpus that is present."""
    out = {}
    for task in ("topics", "frames"):
        dev = dev_set(task)
        if len(dev):
            out[f"{task}/dev set (team-labelled real news)"] = evaluate(model, dev.texts, dev.labels, task)
    for name, (task, corpus, cap) in HELDOUT.items():
        spec = parse_spec(corpus, task)
        if not Path(spec.source).exists():
            continue
        data = load_corpus(spec, cap, seed=0)
        out[name] = evaluate(model, data.texts, data.labels, task)
    if log is not None:
        for name, r in out.items():
            print(f"{name}: accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}, ECE {r['ece']:.3f} (n={r['n']})", file=log)
    return out
