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
from .reading import Reading, pool, shares, softmax, temper
from .results import Analysis, DocScore, Explanation, SentenceFrame, TopicScore
from .segment import split_sentences

MAX_CHARS = 100_000
"""The length cap: longer texts are cut here, analysed, and flagged ``truncated``."""

FRAME_EVIDENCE = 6
TOPIC_EVIDENCE = 12


class _Head:
    """One fitted pipeline seen through the label order newsframe publishes."""

    def __init__(self, pipeline: Pipeline, labels: tuple[str, ...], temperature: float = 1.0,
                 pooled_temperature: float | None = None):
        self.pipeline = pipeline
        self.vec = pipeline.named_steps["vec"]
        self.clf = pipeline.named_steps["clf"]
        self.labels = labels
        self.temperature = temperature
        self.pooled_temperature = temperature if pooled_temperature is None else pooled_temperature
        classes = list(self.clf.classes_)
        # Column of each published label in the classifier, or -1 if training never saw it.
        self.index = np.array([classes.index(lab) if lab in classes else -1 for lab in labels])

    def proba(self, X, lengths: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probabilities over the labels the head was trained on (unseen labels get 0):
        softmax(decision / T) per row or, with ``lengths``, per text of that many consecutive rows,
        the rows' softmax averaged and then tempered the same way (``model.reading.temper``) by
        the pooled texts' own temperature."""
        if lengths is None:
            return self._published(softmax(self._decision(X) / self.temperature))
        return self._published(temper(pool(softmax(self._decision(X)), lengths), self.temperature_for(lengths)))

    def temperature_for(self, lengths: np.ndarray) -> np.ndarray:
        """Each text's temperature: one score's (``temperature``), or a pooled mean's."""
        return np.where(np.asarray(lengths) > 1, self.pooled_temperature, self.temperature)[:, None]

    def untempered(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Each row's decision scores (classifier columns) and softmax(decision) before calibration
        (published labels): what a pooled text's explanation weighs and averages."""
        z = self._decision(X)
        return z, self._published(softmax(z))

    def _decision(self, X) -> np.ndarray:
        if X.shape[0] == 0:
            return np.zeros((0, len(self.clf.classes_)))
        return np.atleast_2d(self.clf.decision_function(X))

    def _published(self, p: np.ndarray) -> np.ndarray:
        out = np.zeros((p.shape[0], len(self.labels)))
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
        self._topic = _Head(topic_pipeline, TOPICS, self.calibration["topic"], self.calibration.get("topic_pooled"))
        self._frame = _Head(frame_pipeline, FRAMES, self.calibration["frame"])
        self._reading = self.config.reading_for("topics")

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
        """Topic probabilities, one row per text, columns in ``TOPICS`` order (read as ``config.topic_reading``)."""
        pieces, lengths = self._reading.units([t[:MAX_CHARS] for t in texts])
        return self._topic.proba(self._topic.vec.transform_sentences(pieces), lengths)

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
        Xf = self._frame.vec.transform_sentences(sentences)
        frame_p = self._frame.proba(Xf) if sentences else np.zeros((0, len(FRAMES)))
        topic_p, topic_weights, _ = self._explain_topic(body, spans)
        order = np.argsort(-topic_p, kind="stable")
        topics = tuple(TopicScore(TOPICS[i], float(topic_p[i])) for i in order)
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
        """Every token's exact contribution to one topic's explained score for a whole text.

        When the text is read sentence by sentence (``model.reading``) that score is the mean of
        the sentences' linear scores for the label, each weighted by its share of the text's
        probability of it (``model.reading.shares``); otherwise it is the one bag of words' score.
        """
        body = text[:MAX_CHARS]
        _, weights, (label, score, intercept) = self._explain_topic(body, None, label)
        return Explanation(label, score, intercept, as_spans(weights))

    def _explain_topic(self, body: str, spans: list[tuple[int, int]] | None, label: str | None = None):
        """Topic probabilities of ``body``, token weights for ``label`` (the top topic when None)
        and ``(label, explained score, intercept)``."""
        pieces = self._reading.spans(body, spans)
        X = self._topic.vec.transform_sentences([body[s:e] for s, e in pieces])
        z, unit_p = self._topic.untempered(X)
        topic_p = temper(unit_p.mean(axis=0, keepdims=True), self._topic.temperature_for([len(pieces)]))[0]
        label = label or TOPICS[int(topic_p.argmax())]
        column = TOPICS.index(label)
        coef, intercept = self._topic.coef(label)
        share = shares(unit_p, column)
        weights: dict[tuple[int, int], float] = {}
        for i, (start, end) in enumerate(pieces):
            token_weights(self._topic.vec, X[i], coef, body[start:end], start, float(share[i]), weights)
        score = float(share @ z[:, self._topic.index[column]])
        return topic_p, weights, (label, score, intercept)

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
            topic_tokens, topic_lengths = _topic_tokens(docs, sentence_tokens, self._reading)
            topic_p = self._topic.proba(self._topic.vec.transform_tokens(topic_tokens), topic_lengths)
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


def _topic_tokens(
    docs: list[tuple[str, list[tuple[int, int]], list[str]]], sentence_tokens: list[list[Token]], reading: Reading
) -> tuple[list[list[Token]], np.ndarray]:
    """The token lists the topic head scores for each ``(body, spans, sentences)`` and how many
    belong to each body (``model.reading``), reusing the sentences' tokens (no second tokenization):
    each sentence's own where the body is read sentence by sentence; otherwise the sentences'
    tokens joined, or the body's own where they differ."""
    out, lengths, k = [], [], 0
    for body, spans, sentences in docs:
        parts = sentence_tokens[k : k + len(sentences)]
        k += len(sentences)
        if reading.pools(len(parts)):
            out.extend(parts)
            lengths.append(len(parts))
            continue
        out.append([t for part in parts for t in part] if tokens_within(body, spans) else tokenize(body))
        lengths.append(1)
    return out, np.array(lengths, dtype=np.int64)


def _unscorable(value: Any) -> str:
    """Why a batch cell cannot be scored ('' when it can)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing text"
    if not isinstance(value, str):
        return f"not text ({type(value).__name__})"
    if not value.strip():
        return "blank text"
    return ""
