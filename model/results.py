"""Frozen result types: one meaning each, JSON-ready through ``to_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from .labels import FRAMES

SCHEMA_VERSION = 1
_SPAN_FIELDS = ("evidence", "source", "source_resolved", "cue", "content")


class Span(NamedTuple):
    """Character offsets into the analysed text and the weight they carried (logit units)."""

    start: int
    end: int
    weight: float


class Mention(NamedTuple):
    """A stretch of the analysed text, as written (offsets into it)."""

    start: int
    end: int
    text: str


class TopicScore(NamedTuple):
    """One IPTC topic and its probability."""

    label: str
    probability: float


@dataclass(frozen=True)
class SentenceFrame:
    """How one sentence frames its claim, and the words that made the model say so.

    Who said it (``source``, ``source_resolved``, ``cue``, ``content``) is filled in only when
    attribution is asked for (``Model.analyze(text, attribution=True)``); otherwise None/().
    """

    start: int
    end: int
    text: str
    frame: str
    probs: dict[str, float]
    evidence: tuple[Span, ...]
    topic_weight: float
    source: Mention | None = None
    source_resolved: Mention | None = None
    cue: tuple[Mention, ...] = ()
    content: Mention | None = None


@dataclass(frozen=True)
class Explanation:
    """An exact additive account of one linear score: ``intercept + sum(weights) == score``."""

    label: str
    score: float
    intercept: float
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Analysis:
    """Everything ``Model.analyze`` says about one text.

    ``topics`` covers all 17 labels, highest first, summing to 1. ``also`` holds the other
    topics above the bundle's threshold; ``uncertain`` is true when the top topic is below its
    threshold. ``truncated`` is true when the text was cut at ``max_chars`` before analysis;
    ``out_of_domain`` when it does not read as English prose (see ``warnings`` for why).
    """

    topics: tuple[TopicScore, ...]
    sentences: tuple[SentenceFrame, ...]
    topic_evidence: tuple[Span, ...]
    also: tuple[TopicScore, ...]
    uncertain: bool
    truncated: bool
    max_chars: int
    warnings: tuple[str, ...] = ()
    out_of_domain: bool = False

    @property
    def topic(self) -> str:
        """The top topic's label."""
        return self.topics[0].label

    def frame_counts(self) -> dict[str, int]:
        """How many sentences carry each frame (every frame present, zeros included)."""
        counts = dict.fromkeys(FRAMES, 0)
        for s in self.sentences:
            counts[s.frame] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict with ``schema_version``; spans become ``{start, end, weight}``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "topic": self.topic,
            "topics": [t._asdict() for t in self.topics],
            "also": [t._asdict() for t in self.also],
            "uncertain": self.uncertain,
            "truncated": self.truncated,
            "max_chars": self.max_chars,
            "warnings": list(self.warnings),
            "out_of_domain": self.out_of_domain,
            "topic_evidence": [s._asdict() for s in self.topic_evidence],
            "frame_counts": self.frame_counts(),
            "sentences": [
                {
                    **{k: v for k, v in asdict(s).items() if k not in _SPAN_FIELDS},
                    "evidence": [e._asdict() for e in s.evidence],
                    "source": s.source._asdict() if s.source else None,
                    "source_resolved": s.source_resolved._asdict() if s.source_resolved else None,
                    "cue": [c._asdict() for c in s.cue],
                    "content": s.content._asdict() if s.content else None,
                }
                for s in self.sentences
            ],
        }


@dataclass(frozen=True)
class DocScore:
    """The batch result for one text: what the ``score`` command writes per row."""

    topic: str = ""
    topic_prob: float | None = None
    topics_also: tuple[str, ...] = ()
    n_sentences: int = 0
    frame_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FRAMES, 0))
    truncated: bool = False
    error: str = ""

    def to_row(self) -> dict[str, Any]:
        """The output columns, in order, as the CLI writes them."""
        row: dict[str, Any] = {
            "topic": self.topic,
            "topic_prob": "" if self.topic_prob is None else round(self.topic_prob, 4),
            "topics_also": ";".join(self.topics_also),
            "n_sentences": self.n_sentences,
        }
        row.update({f"n_{f}": self.frame_counts[f] for f in FRAMES})
        row["error"] = self.error
        row["truncated"] = self.truncated
        return row


SCORE_COLUMNS: tuple[str, ...] = tuple(DocScore().to_row())
