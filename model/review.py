"""Leave out weakly labelled corpus rows that the team's own sentences confidently contradict.

PolNeAR's frame rows come from a cue lexicon and its neutral rows from the absence of cues, so
some carry a label LABELS.md would not give ("It's unlikely Bill Clinton will follow ..." as
neutral). A head fit on the team's data alone, which is written to LABELS.md, scores each row of
such a corpus, and rows whose own label it gives less than ``below`` are dropped before the real
fit. The judge only chooses training rows; it never touches a prediction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from .config import TrainConfig
from .corpora import Labelled

MIN_JUDGE_LABELS = 3


class Reviewer:
    """Reviews the corpora ``config.review_corpora`` names against ``team``.

    ``fit`` turns labelled rows into a fitted head; the judge is fitted on first use, so a run
    that reads no reviewed corpus pays nothing. Without the team's data (or with
    ``review_below`` 0) every corpus passes unchanged.
    """

    def __init__(self, config: TrainConfig, team: Labelled, fit: Callable[[Labelled], Any]):
        usable = config.review_below > 0 and len(set(team.labels)) >= MIN_JUDGE_LABELS
        self.names = frozenset(config.review_corpora) if usable else frozenset()
        self.below = config.review_below
        self._team, self._fit, self._judge = team, fit, None

    def __call__(self, name: str, part: Labelled) -> Labelled:
        if name not in self.names:
            return part
        if self._judge is None:
            self._judge = self._fit(self._team)
        return review(part, self._judge, self.below)


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
    return replace(part.take(keep, {name: len(keep)}), left_out={name: dropped})
