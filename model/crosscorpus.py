"""``evaluate --cross-corpus``: train on all corpora but one, test on the one left out.

Each corpus is also scored in-domain (train on the others plus 80% of it, test on its other
20%), so the price of a domain shift is visible beside each figure. Corpora that are never
trained on (Emergent, RumourEval) and the team's development set are scored by a model trained
on everything.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np

from .config import TrainConfig
from .corpora import Labelled, dev_set, load_corpus, parse_spec, team_data, dev_texts
from .evaluate import metrics
from .labels import FRAMES, TOPICS
from .reading import pool
from .review import Reviewer
from .train import fit_head

EVAL_ONLY = {"topics": (), "frames": ("emergent", "rumoureval")}
TEAM = "team (data/)"


def cross_corpus(task: str, config: TrainConfig | None = None, sample: int | None = None,
                 test_cap: int = 300, log=None) -> dict[str, Any]:
    """Figures per left-out corpus: ``{corpus: {"cross": metrics, "in_domain": metrics}}``.

    ``sample`` caps rows per label in every training corpus (for a quick run); ``test_cap``
    caps rows per label in every test set, so each label weighs about the same.
    """
    config = config or TrainConfig()
    cap = sample or config.max_rows_for(task)
    team = team_data(task, config.team_weight_for(task))

    def fit(data: Labelled):
        return fit_head(task, config, data)

    reviewer = Reviewer(config, team, fit)
    known = dev_texts(task)
    # Each corpus as it is (the test rows) and as training reads it (reviewed against the team's
    # data, model.review). When the team's data is the one left out, nothing is reviewed.
    groups: dict[str, Labelled] = {}
    reviewed: dict[str, Labelled] = {}
    for name, specs in _groups(config, task).items():
        parts = [parse_spec(s, task) for s in specs]
        if all(Path(p.source).exists() for p in parts):
            loaded = [(p.name, load_corpus(p, cap, config.random_state, known)) for p in parts]
            groups[name] = sum((d for _, d in loaded), Labelled())
            reviewed[name] = sum((reviewer(n, d) for n, d in loaded), Labelled())
    if len(team):
        groups[TEAM] = reviewed[TEAM] = team
    labels = TOPICS if task == "topics" else FRAMES
    rng = random.Random(config.random_state)

    def score(pipe, data: Labelled) -> dict[str, Any]:
        data = data.capped(test_cap, rng)
        pieces, lengths = config.reading_for(task).units(list(data.texts))
        raw = pool(pipe.predict_proba(pieces), lengths)
        proba = np.zeros((len(data), len(labels)))
        for j, cls in enumerate(pipe.named_steps["clf"].classes_):
            proba[:, labels.index(cls)] = raw[:, j]
        return metrics(list(data.labels), proba, labels)

    out: dict[str, Any] = {}
    for name, held in groups.items():
        others = sum((g for n, g in (groups if name == TEAM else reviewed).items() if n != name), Labelled())
        if len(set(others.labels)) < 3:
            continue
        train_part, test_part = _split(held, 0.8, rng)
        out[name] = {"cross": score(fit(others), held), "in_domain": score(fit(others + train_part), test_part)}
        _say(log, name, out[name])
    everything = sum(reviewed.values(), Labelled())
    extra = {n: load_corpus(parse_spec(n, task), None) for n in EVAL_ONLY[task] if Path(parse_spec(n, task).source).exists()}
    dev = dev_set(task)
    if len(dev):
        extra["dev set (team-labelled)"] = dev
    if extra and len(set(everything.labels)) >= 3:
        full = fit(everything)
        for name, data in extra.items():
            out[name] = {"cross": score(full, data), "in_domain": None}
            _say(log, name, out[name])
    return out


def _groups(config: TrainConfig, task: str) -> dict[str, tuple[str, ...]]:
    """The config's corpora grouped by source: PolNeAR's frame and neutral parts are one corpus."""
    out: dict[str, tuple[str, ...]] = {}
    for spec in config.topic_corpora if task == "topics" else config.frame_corpora:
        key = spec.split("_")[0] if spec.startswith("polnear") else spec
        out[key] = out.get(key, ()) + (spec,)
    return out


def format_table(task: str, result: dict[str, Any]) -> str:
    lines = [f"{task}: left-out corpus        cross acc / macro-F1 / ECE     in-domain acc / macro-F1",]
    for name, r in result.items():
        c, i = r["cross"], r["in_domain"]
        right = f"{i['accuracy']:.3f} / {i['macro_f1']:.3f}" if i else "(never trained on)"
        lines.append(f"  {name:<26} {c['accuracy']:.3f} / {c['macro_f1']:.3f} / {c['ece']:.3f}  (n={c['n']:>5})   {right}")
    return "\n".join(lines)


def _split(data: Labelled, share: float, rng: random.Random) -> tuple[Labelled, Labelled]:
    order = list(range(len(data)))
    rng.shuffle(order)
    cut = int(len(order) * share)
    return data.take(sorted(order[:cut])), data.take(sorted(order[cut:]))


def _say(log, name: str, r: dict[str, Any]) -> None:
    if log is not None:
        c = r["cross"]
        print(f"{name}: cross accuracy {c['accuracy']:.3f}, macro-F1 {c['macro_f1']:.3f} (n={c['n']})", file=log, flush=True)
