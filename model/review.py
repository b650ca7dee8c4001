"""Leave out weakly labelled corpus rows that the team's own sentences confidently contradict.

PolNeAR's frame rows come from a cue lexicon and its neutral rows from the absence of cues, so
some carry a label LABELS.md would not give ("It's unlikely Bill Clinton will follow ..." as
neutral). A head fit on the team's data alone, which is written to LABELS.md, scores each row of
such a corpus, and rows whose own label it gives less than ``below`` are dropped before the real
fit. The judge only chooses training rows; it never touches a prediction.
"""

from __future__ import annotations

import warnings

import numpy as np

from .corpora import Labelled


def fit_judge(pipeline, team: Labelled):
    """``pipeline`` (an unfitted head) fitted on the team's rows alone."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*lbfgs failed to converge.*")
        return pipeline.fit(list(team.texts), list(team.labels), clf__sample_weight=np.asarray(team.weights, dtype=float))


def review(part: Labelled, judge, below: float) -> Labelled:
    """``part`` (one corpus) without the rows whose own label ``judge`` gives less than ``below``.

    Rows with a label the judge never saw are kept. The count left out goes to ``left_out``.
    """
    if not len(part) or below <= 0:
        return part
    proba = judge.predict_proba(list(part.texts))
    column = {c: i for i, c in enumerate(judge.classes_)}
    own = np.array([proba[i, column[lab]] if lab in column else 1.0 for i, lab in enumerate(part.labels)])
    keep = np.flatnonzero(own >= below)
    dropped = len(part) - len(keep)
    name = next(iter(part.sources), "corpus")
    return Labelled(
        tuple(part.texts[i] for i in keep),
        tuple(part.labels[i] for i in keep),
        tuple(part.weights[i] for i in keep),
        {name: len(keep)},
        {name: dropped},
    )
