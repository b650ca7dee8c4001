"""``Model``: the two linear heads (topics, frames) and everything that reads them.

``analyze`` is the one-text path with explanations; ``score`` is the batch path the CLI, the
app and distributed workers share; ``predict_topics``/``predict_frames`` are the plain
scikit-learn-style predictions. All three use the same vectors, so they always agree.
"""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from .config import TrainConfig
from .domain import out_of_domain
from .explain import as_spans, token_weights, top_evidence
from .features import Token, tokenize, tokens_within
from .labels import FRAMES, TOPICS
from .results import Analysis, DocScore, Explanation, SentenceFrame, TopicScore
from .segment import split_sentences

MAX_CHARS = 100_000
"""The length cap: longer texts are cut here, analysed, and flagged ``truncated``."""

FRAME_EVIDENCE = 6
TOPIC_EVIDENCE = 12


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class _Head:
    """One fitted pipeline seen through the label order newsframe publishes."""

    def __init__(self, pipeline: Pipeline, labels: tuple[str, ...], temperature: float = 1.0):
        self.pipeline = pipeline
        self.vec = pipeline.named_steps["vec"]
        self.clf = pipeline.named_steps["clf"]
        self.labels = labels
        self.temperature = temperature
        classes = list(self.clf.classes_)
        # Column of each published label in the classifier, or -1 if training never saw it.
        self.index = np.array([classes.index(lab) if lab in classes else -1 for lab in labels])

    def proba(self, X) -> np.ndarray:
        """Softmax over the labels the head was trained on; unseen labels get probability 0."""
        if X.shape[0] == 0:
            return np.zeros((0, len(self.labels)))
        p = _softmax(np.atleast_2d(self.clf.decision_function(X)) / self.temperature)
        out = np.zeros((X.shape[0], len(self.labels)))
        seen = self.index >= 0
        out[:, seen] = p[:, self.index[seen]]
        return out

    def coef(self, label: str) -> tuple[np.ndarray, float]:
        col = int(self.index[self.labels.index(label)])
        if col < 0:
            return np.zeros(self.clf.coef_.shape[1]), float("-inf")
        return self.clf.coef_[col], float(self.clf.intercept_[col])


class Model:
    """A trained newsframe model: topic head, frame head, config and manifest.

    Get one with ``load_model()`` (the shipped default) or ``train(...)``.

    Examples
    --------
    >>> from model import load_model
    >>> m = load_model()
    >>> m.predict_frames(["The minister denied the allegations."])
    ['denial']
    """

    def __init__(
        self,
        topic_pipeline: Pipeline,
        frame_pipeline: Pipeline,
        config: TrainConfig | None = None,
        manifest: dict[str, Any] | None = None,
        calibration: dict[str, float] | None = None,
        attribution: Any = None,
    ):
        self.config = config or TrainConfig()
        self.attribution = attribution
        """The who-said-what tagger (``model.attribution.AttributionTagger``), or None."""
        self.manifest = dict(manifest or {})
        self.calibration = {"topic": 1.0, "frame": 1.0, **(calibration or {})}
        self._topic = _Head(topic_pipeline, TOPICS, self.calibration["topic"])
        self._frame = _Head(frame_pipeline, FRAMES, self.calibration["frame"])

    @property
    def topic_pipeline(self) -> Pipeline:
        return self._topic.pipeline

    @property
    def frame_pipeline(self) -> Pipeline:
        return self._frame.pipeline

    @property
    def has_attribution(self) -> bool:
        """Whether ``analyze(text, attribution=True)`` can run: a tagger and the extra are here."""
        if self.attribution is None:
            return False
        from .attribution import extra_missing

        return not extra_missing()

    def __repr__(self) -> str:
        sha = self.manifest.get("sha256", "unsaved")
        return f"<newsframe Model {sha[:12]} topics={len(TOPICS)} frames={len(FRAMES)}>"

    # ---- plain predictions -------------------------------------------------------------
    def predict_topic_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Topic probabilities, one row per text, columns in ``TOPICS`` order."""
        return self._topic.proba(self._topic.vec.transform_sentences([t[:MAX_CHARS] for t in texts]))

    def predict_topics(self, texts: Sequence[str]) -> list[str]:
        """The top topic of each text (the same label ``analyze`` puts first)."""
        return [TOPICS[i] for i in self.predict_topic_proba(texts).argmax(axis=1)]

    def predict_frame_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """Frame probabilities, one row per string (each read as one sentence), ``FRAMES`` order."""
        return self._frame.proba(self._frame.vec.transform_sentences(list(sentences)))

    def predict_frames(self, sentences: Sequence[str]) -> list[str]:
        """The frame of each string, each read as one standalone sentence."""
        return [FRAMES[i] for i in self.predict_frame_proba(sentences).argmax(axis=1)]

    # ---- one text, explained -----------------------------------------------------------
    def analyze(self, text: str, attribution: bool = False) -> Analysis:
        """Topics, per-sentence frames and the evidence for both, offsets into ``text``.

        With ``attribution=True`` each sentence also says who said it: ``source``,
        ``source_resolved``, ``cue`` and ``content`` (needs a bundle with a tagger and the
        ``[attribution]`` extra); off by default so the plain path does not pay for it.

        Examples
        --------
        >>> from model import load_model
        >>> load_model().analyze("The club denied the report. Talks may resume.").sentences[0].frame
        'denial'
        """
        if not isinstance(text, str):
            from .errors import InputError

            raise InputError(f"analyze() expects a str; got {type(text).__name__}.")
        body, spans, sentences = self._segment(text)
        who = self._who_said_what(body, spans) if attribution else [{}] * len(spans)
        Xt = self._topic.vec.transform_sentences([body])
        Xf = self._frame.vec.transform_sentences(sentences)
        topic_p = self._topic.proba(Xt)[0]
        frame_p = self._frame.proba(Xf) if sentences else np.zeros((0, len(FRAMES)))

        order = np.argsort(-topic_p, kind="stable")
        topics = tuple(TopicScore(TOPICS[i], float(topic_p[i])) for i in order)
        t_coef, _ = self._topic.coef(topics[0].label)
        topic_weights = token_weights(self._topic.vec, Xt[0], t_coef, body)
        starts = np.array([s for s, _ in spans], dtype=np.int64)
        per_sentence = np.zeros(len(spans))
        for (tok_start, _), w in topic_weights.items():
            i = int(np.searchsorted(starts, tok_start, side="right")) - 1
            if i >= 0 and tok_start < spans[i][1]:
                per_sentence[i] += w

        frames = []
        for i, ((start, end), sent) in enumerate(zip(spans, sentences)):
            k = int(frame_p[i].argmax())
            f_coef, _ = self._frame.coef(FRAMES[k])
            f_weights = token_weights(self._frame.vec, Xf[i], f_coef, sent, start)
            frames.append(
                SentenceFrame(
                    start=start,
                    end=end,
                    text=sent,
                    frame=FRAMES[k],
                    probs={f: float(p) for f, p in zip(FRAMES, frame_p[i])},
                    evidence=top_evidence(f_weights, FRAME_EVIDENCE),
                    topic_weight=round(float(per_sentence[i]), 6),
                    **who[i],
                )
            )
        return Analysis(
            topics=topics,
            sentences=tuple(frames),
            topic_evidence=top_evidence(topic_weights, TOPIC_EVIDENCE),
            also=self._also(topics),
            uncertain=topics[0].probability < self.config.uncertain_threshold,
            truncated=len(body) < len(text),
            max_chars=MAX_CHARS,
            warnings=self._warnings(text, body),
            out_of_domain=bool(out_of_domain(body)),
        )

    def explain_frame(self, sentence: str, label: str | None = None) -> Explanation:
        """Every token's exact contribution to one frame's score for a standalone sentence."""
        X = self._frame.vec.transform_sentences([sentence])
        label = label or FRAMES[int(self._frame.proba(X)[0].argmax())]
        coef, intercept = self._frame.coef(label)
        weights = token_weights(self._frame.vec, X[0], coef, sentence)
        score = float(self._frame.clf.decision_function(X)[0][self._frame.index[FRAMES.index(label)]])
        return Explanation(label, score, intercept, as_spans(weights))

    def explain_topic(self, text: str, label: str | None = None) -> Explanation:
        """Every token's exact contribution to one topic's score for a whole text."""
        body = text[:MAX_CHARS]
        X = self._topic.vec.transform_sentences([body])
        label = label or TOPICS[int(self._topic.proba(X)[0].argmax())]
        coef, intercept = self._topic.coef(label)
        weights = token_weights(self._topic.vec, X[0], coef, body)
        col = self._topic.index[TOPICS.index(label)]
        score = float(self._topic.clf.decision_function(X)[0][col])
        return Explanation(label, score, intercept, as_spans(weights))

    # ---- batch -------------------------------------------------------------------------
    def score(self, texts: Sequence[Any], return_sentences: bool = False):
        """One ``DocScore`` per input, in order; blank or non-text inputs carry ``error``.

        Parameters
        ----------
        texts : sequence
            Anything; only non-blank strings are scored.
        return_sentences : bool, default=False
            Also return, per input, ``(spans, probs)``: its sentences' offsets into the text cut at
            ``MAX_CHARS`` and their frame probabilities (``FRAMES`` order), as ``analyze`` and
            ``predict_frame_proba`` give them, so a caller that wants both segments and
            featurizes once. Unscored inputs have no sentences.

        Returns
        -------
        list of DocScore, or ``(scores, sentences)`` with ``return_sentences``.
        """
        with _GC_PAUSE:
            scores, sentences = self._score(texts)
        return (scores, sentences) if return_sentences else scores

    def _score(self, texts: Sequence[Any]) -> tuple[list[DocScore], list[tuple[list[tuple[int, int]], np.ndarray]]]:
        results: list[DocScore | None] = [None] * len(texts)
        sentences: list[Any] = [None] * len(texts)
        docs, where = [], []
        for i, t in enumerate(texts):
            reason = _unscorable(t)
            if reason:
                results[i] = DocScore(error=reason)
                sentences[i] = ([], np.zeros((0, len(FRAMES))))
            else:
                where.append(i)
                docs.append(self._segment(t))
        if docs:
            sentence_tokens = [tokenize(s) for _, _, sents in docs for s in sents]
            lengths = [len(sents) for _, _, sents in docs]
            topic_p = self._topic.proba(self._topic.vec.transform_tokens(_document_tokens(docs, sentence_tokens)))
            frame_p = self._frame.proba(self._frame.vec.transform_tokens(sentence_tokens))
            owner = np.repeat(np.arange(len(docs)), lengths)
            counts = np.zeros((len(docs), len(FRAMES)), dtype=int)
            np.add.at(counts, (owner, frame_p.argmax(axis=1)), 1)
            orders = np.argsort(-topic_p, axis=1, kind="stable").tolist()
            ends = np.cumsum(lengths).tolist()
            for j, (i, order, probs, frames) in enumerate(zip(where, orders, topic_p.tolist(), counts.tolist())):
                ranked = tuple(TopicScore(TOPICS[k], probs[k]) for k in order)
                results[i] = DocScore(
                    topic=ranked[0].label,
                    topic_prob=ranked[0].probability,
                    topics_also=tuple(t.label for t in self._also(ranked)),
                    n_sentences=lengths[j],
                    frame_counts=dict(zip(FRAMES, frames)),
                    truncated=len(docs[j][0]) < len(texts[i]),
                )
                sentences[i] = (docs[j][1], frame_p[ends[j] - lengths[j] : ends[j]])
        return results, sentences  # type: ignore[return-value]

    # ---- description -------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        """Labels, training data, versions, metrics, config and the bundle's sha256 (JSON-ready)."""
        from .labels import FRAME_DEFINITIONS, TOPIC_DEFINITIONS

        return {
            "sha256": self.manifest.get("sha256"),
            "versions": self.manifest.get("versions", {}),
            "config": self.config.to_dict(),
            "calibration": dict(self.calibration),
            "training_data": self.manifest.get("training_data", {}),
            "metrics": self.manifest.get("metrics", {}),
            "topics": dict(TOPIC_DEFINITIONS),
            "frames": dict(FRAME_DEFINITIONS),
            "max_chars": MAX_CHARS,
            "attribution": self.attribution.info() if self.attribution is not None else None,
        }

    def model_card(self) -> str:
        """The model card as Markdown: labels, training data and terms, metrics, versions, hash."""
        from .card import render_card

        return render_card(self)

    # ---- persistence -------------------------------------------------------------------
    def save(self, path) -> str:
        """Write the bundle to ``path``; returns its sha256 (also stored in ``manifest``)."""
        from .bundle import save_bundle

        return save_bundle(self, path)

    # ---- helpers -----------------------------------------------------------------------
    @staticmethod
    def _segment(text: str) -> tuple[str, list[tuple[int, int]], list[str]]:
        body = text[:MAX_CHARS]
        spans = split_sentences(body)
        return body, spans, [body[s:e] for s, e in spans]

    def who_said_what(self, text: str) -> list[dict[str, Any]]:
        """Per sentence (as ``analyze`` splits ``text``): ``source``, ``source_resolved``, ``cue``
        and ``content`` ``Mention``s, without frames or explanations (the batch path's columns)."""
        body, spans, _ = self._segment(text)
        return self._who_said_what(body, spans)

    def _who_said_what(self, body: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
        from .errors import InputError

        if self.attribution is None:
            raise InputError(
                "This model has no who-said-what tagger (it was trained without PolNeAR or without the "
                "[attribution] extra). Use the shipped default, or retrain with both present."
            )
        from .attribution import require_extra

        require_extra()
        return self.attribution.predict(body, spans)

    def _also(self, topics: tuple[TopicScore, ...]) -> tuple[TopicScore, ...]:
        return tuple(t for t in topics[1:] if t.probability >= self.config.also_threshold)

    @staticmethod
    def _warnings(text: str, body: str) -> tuple[str, ...]:
        out = []
        if len(body) < len(text):
            out.append(f"Text truncated: analysed the first {MAX_CHARS:,} of {len(text):,} characters.")
        reason = out_of_domain(body)
        if reason:
            out.append(f"Out of domain: {reason}; the model was trained on English news, so treat these results with care.")
        return tuple(out)


class _GCPause:
    """Holds off cyclic garbage collection while batches are scored.

    Scoring makes no reference cycles, but its many short-lived lists set off full collections
    that scan the whole heap (a third of ``score``'s time, measured). Counted, so that when
    batches are scored in several threads at once, collection resumes as the last one ends.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    def __enter__(self) -> None:
        with self._lock:
            if not self._depth:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._depth -= 1
            if not self._depth and self._resume:
                gc.enable()


_GC_PAUSE = _GCPause()


def _document_tokens(
    docs: list[tuple[str, list[tuple[int, int]], list[str]]], sentence_tokens: list[list[Token]]
) -> list[list[Token]]:
    """Each ``(body, spans, sentences)``'s tokens for the topic head, which reads the body whole:
    its sentences' tokens joined (no second tokenization), or the body's own where they differ."""
    out, k = [], 0
    for body, spans, sentences in docs:
        parts = sentence_tokens[k : k + len(sentences)]
        k += len(sentences)
        out.append([t for part in parts for t in part] if tokens_within(body, spans) else tokenize(body))
    return out


def _unscorable(value: Any) -> str:
    """Why a batch cell cannot be scored ('' when it can)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing text"
    if not isinstance(value, str):
        return f"not text ({type(value).__name__})"
    if not value.strip():
        return "blank text"
    return ""
