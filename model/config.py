"""``TrainConfig``: every training setting in one place; saved inside the bundle."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from .reading import READINGS, WHOLE, Reading

DEFAULT_TOPIC_CORPORA = ("huffpost", "nyt_cap", "ag_news")
DEFAULT_FRAME_CORPORA = ("polnear_frames", "polnear_neutral", "hedge")
PROFILES = ("research", "commercial")
"""``commercial`` trains only on corpora whose terms allow commercial use (and the team's data)."""


@dataclass(frozen=True)
class TrainConfig:
    """Settings for ``train``.

    Corpora are names from ``data/corpora.toml``, local files or ``hf:owner/name`` specs
    (see ``model.corpora``); they are read from ``NEWSFRAME_DATA_DIR`` and skipped with a
    warning where absent. The team's own labelled text in ``data/`` is always used when
    ``team_data`` is true, with ``team_weight`` (frames) and ``topic_team_weight`` (topics) as
    its sample weight. The heads named in ``prior_correction`` get their class intercepts shifted
    to the development set's register (``model.train.fit_prior``, L2 ``prior_l2`` for frames and
    ``topic_prior_l2`` for topics, whose pooled probabilities give a flatter loss) before the
    temperature is fitted. With ``attribution`` the who-said-what tagger is fitted on PolNeAR's
    train split too, where PolNeAR and the ``[attribution]`` extra are present. Rows of the
    corpora named in ``review_corpora`` whose own label a model fit on the team's data alone
    gives less than ``review_below`` are left out of training (``model.review``; 0 turns it off).
    Each corpus keeps at most ``max_rows_per_label`` rows per label for frames and
    ``topic_max_rows_per_label`` for topics: every topic row, in practice, since held-out NYT
    headlines from a year left out of training gained a point from them (docs/evaluation.md).
    ``n_jobs`` processes fit the two heads and the tagger side by side; the fits agree with
    sequential ones up to floating-point rounding. ``topic_reading`` says how the topic head reads
    a text of several sentences: ``pooled`` (each sentence scored, probabilities averaged) or
    ``whole`` (one bag of words); texts of fewer than ``topic_pool_min_sentences`` are read whole
    either way (``model.reading``).
    """

    topic_corpora: tuple[str, ...] = DEFAULT_TOPIC_CORPORA
    frame_corpora: tuple[str, ...] = DEFAULT_FRAME_CORPORA
    team_data: bool = True
    profile: str = "research"
    team_weight: float = 2.0
    topic_team_weight: float = 6.0
    max_rows_per_label: int = 2500
    topic_max_rows_per_label: int = 50_000
    topic_n_features: int = 2**17
    frame_n_features: int = 2**18
    frame_cue_features: int = 2**12
    frame_cue_value: float = 0.5
    topic_ngram_max: int = 2
    frame_ngram_max: int = 3
    topic_C: float = 1.0
    frame_C: float = 4.0
    max_iter: int = 300
    calibrate: bool = True
    prior_correction: tuple[str, ...] = ("topics", "frames")
    prior_l2: float = 0.05
    topic_prior_l2: float = 0.01
    also_threshold: float = 0.2
    uncertain_threshold: float = 0.5
    random_state: int = 0
    attribution: bool = True
    review_corpora: tuple[str, ...] = ("polnear_frames", "polnear_neutral")
    review_below: float = 0.05
    n_jobs: int = 2
    topic_reading: str = "pooled"
    topic_pool_min_sentences: int = 5

    def __post_init__(self):
        for name in ("topic_corpora", "frame_corpora", "prior_correction", "review_corpora"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,))
            else:
                object.__setattr__(self, name, tuple(value))
        for name in ("topic_n_features", "frame_n_features"):
            n = getattr(self, name)
            if n < 2**10 or n & (n - 1):
                raise ValueError(f"{name} must be a power of two >= 1024; got {n}.")
        if self.frame_cue_features < 0 or self.frame_cue_features & (self.frame_cue_features - 1):
            raise ValueError(f"frame_cue_features must be 0 or a power of two; got {self.frame_cue_features}.")
        for name in ("topic_ngram_max", "frame_ngram_max"):
            if not 1 <= getattr(self, name) <= 4:
                raise ValueError(f"{name} must be between 1 and 4; got {getattr(self, name)}.")
        for name in ("topic_C", "frame_C", "team_weight", "topic_team_weight", "frame_cue_value"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive; got {getattr(self, name)}.")
        for name in ("also_threshold", "uncertain_threshold"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"{name} must be between 0 and 1; got {getattr(self, name)}.")
        unknown = sorted(set(self.prior_correction) - {"topics", "frames"})
        if unknown:
            raise ValueError(f"prior_correction names heads 'topics' and/or 'frames'; got {unknown}.")
        if not 0 <= self.review_below < 1:
            raise ValueError(f"review_below must be in [0, 1); got {self.review_below}.")
        if self.n_jobs < 1:
            raise ValueError(f"n_jobs must be >= 1; got {self.n_jobs}.")
        for name in ("prior_l2", "topic_prior_l2"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0; got {getattr(self, name)}.")
        if self.topic_reading not in READINGS:
            raise ValueError(f"topic_reading must be one of {READINGS}; got {self.topic_reading!r}.")
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}; got {self.profile!r}.")
        for name in ("max_rows_per_label", "topic_max_rows_per_label", "topic_pool_min_sentences"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1; got {getattr(self, name)}.")

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def team_weight_for(self, task: str) -> float:
        """The sample weight of the team's own rows for ``task`` ('topics' or 'frames')."""
        return self.topic_team_weight if task == "topics" else self.team_weight

    def max_rows_for(self, task: str) -> int:
        """Rows kept per label of each corpus for ``task`` ('topics' or 'frames')."""
        return self.topic_max_rows_per_label if task == "topics" else self.max_rows_per_label

    def prior_l2_for(self, task: str) -> float:
        """The L2 penalty of ``task``'s class-prior shift."""
        return self.topic_prior_l2 if task == "topics" else self.prior_l2

    def reading_for(self, task: str) -> Reading:
        """How ``task``'s head reads a text (``model.reading``); a frame is one sentence, read whole."""
        if task == "topics":
            return Reading(self.topic_reading, self.topic_pool_min_sentences)
        return WHOLE

    @classmethod
    def from_dict(cls, data: dict[str, Any], ignore_extra: bool = False) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        extra = sorted(set(data) - known)
        if extra and not ignore_extra:
            raise ValueError(f"Unknown TrainConfig keys {extra}; known keys are {sorted(known)}.")
        return cls(**{k: v for k, v in data.items() if k in known})
