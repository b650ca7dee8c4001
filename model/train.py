"""``train``: fit the topic and frame heads from the team's data and the named corpora."""

from __future__ import annotations

import io
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from .config import TrainConfig
from .core import Model
from .corpora import DEV_FILES, Labelled, data_dir, dev_heldout_split, dev_set, dev_texts, load_corpus, parse_spec, team_data
from .errors import DataError
from .features import Featurizer
from .reading import WHOLE, Reading, pool, softmax, temper
from .review import Reviewer
from .vectorize import DocumentVectorizer, SentenceVectorizer

MIN_CLASSES = 3


def topic_pipeline(config: TrainConfig) -> Pipeline:
    """Unfitted topic head: pooled sentence tf-idf of word n-grams and stems, softmax regression."""
    return Pipeline(
        [
            ("vec", DocumentVectorizer(Featurizer(ngram_max=config.topic_ngram_max), config.topic_n_features)),
            ("clf", _classifier(config.topic_C, config)),
        ]
    )


def frame_pipeline(config: TrainConfig) -> Pipeline:
    """Unfitted frame head: sentence tf-idf of n-grams, stems and cue features, softmax regression."""
    return Pipeline(
        [
            (
                "vec",
                SentenceVectorizer(
                    Featurizer(ngram_max=config.frame_ngram_max, cues=True),
                    config.frame_n_features,
                    config.frame_cue_features,
                    config.frame_cue_value,
                ),
            ),
            ("clf", _classifier(config.frame_C, config)),
        ]
    )


def fit_head(task: str, config: TrainConfig, data: Labelled) -> Pipeline:
    """The head for ``task`` fitted on ``data`` with its sample weights (1 where it has none)."""
    pipe = topic_pipeline(config) if task == "topics" else frame_pipeline(config)
    weights = np.asarray(data.weights or (1.0,) * len(data), dtype=float)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*lbfgs failed to converge.*")
        return pipe.fit(list(data.texts), list(data.labels), clf__sample_weight=weights)


def _classifier(C: float, config: TrainConfig) -> LogisticRegression:
    # Multinomial (softmax) regression with lbfgs: one probability vector over all classes.
    return LogisticRegression(
        C=C, max_iter=config.max_iter, class_weight="balanced", random_state=config.random_state
    )


def gather(task: str, config: TrainConfig, log=None) -> Labelled:
    """The team's data for ``task`` plus every corpus the config names that is present, the
    corpora in ``config.review_corpora`` reviewed against the team's data (``model.review``)."""
    team = team_data(task, config.team_weight_for(task)) if config.team_data else Labelled()
    reviewer = Reviewer(config, team, lambda rows: fit_head(task, config, rows))
    known = dev_texts(task)
    data, used = team, 0
    for spec_text in getattr(config, f"{'topic' if task == 'topics' else 'frame'}_corpora"):
        spec = parse_spec(spec_text, task)
        if config.profile == "commercial" and not spec.commercial:
            _say(log, f"{task}: leaving out {spec.name} (profile commercial; terms: {spec.terms})")
            continue
        if not spec.is_hub and not Path(spec.source).exists():
            _say(log, f"{task}: skipping corpus {spec.name!r}: {spec.source} is absent (set NEWSFRAME_DATA_DIR)")
            continue
        part = reviewer(spec.name, load_corpus(spec, config.max_rows_for(task), config.random_state, known))
        dropped = part.left_out.get(spec.name)
        why = f" ({dropped} left out: the team's data gives their label < {config.review_below})" if dropped is not None else ""
        _say(log, f"{task}: {spec.name} -> {len(part)} rows{why}")
        data = data + part
        used += 1
    if not used:
        _say(log, f"{task}: training on the team's data in data/ alone ({len(data)} rows): no corpus found under {data_dir()}")
    return data


def train(
    config: TrainConfig | None = None,
    *,
    topics: Labelled | None = None,
    frames: Labelled | None = None,
    extra_topics: Labelled | None = None,
    extra_frames: Labelled | None = None,
    attribution=None,
    log=sys.stderr,
) -> Model:
    """Fit both heads and return a ``Model``.

    Parameters
    ----------
    config : TrainConfig, default=None
        All settings; ``TrainConfig()`` when None.
    topics, frames : Labelled, default=None
        Explicit training data; when None it is gathered from ``data/`` and the corpora
        the config names (``gather``).
    extra_topics, extra_frames : Labelled, default=None
        Rows added to whatever was gathered, with their own sample weights (for example
        user feedback).
    attribution : AttributionTagger, default=None
        A fitted who-said-what tagger to carry; when None and ``config.attribution`` is true,
        one is fitted on PolNeAR's train split if it and the ``[attribution]`` extra are present.
    log : file-like or None
        Where progress lines go; None for silence.
    """
    config = config or TrainConfig()
    # The two heads and the who-said-what tagger do not depend on each other: with n_jobs > 1
    # they are fitted in worker processes at the same time (the same fits up to float rounding).
    # The tagger, the longest job, needs none of the corpora, so it starts before they are read.
    # Each job returns (name, fitted, progress lines), since a worker's stderr is not the log.
    given = {"topics": topics, "frames": frames}
    extra = {"topics": extra_topics, "frames": extra_frames}
    for task, data in given.items():  # explicit data is checked before any worker starts
        if data is not None:
            _check_labels(task, data + extra[task] if extra[task] else data)
    workers = _workers(config.n_jobs)
    jobs: list[Callable[[], Any]] = []
    try:
        if attribution is None and config.attribution:
            jobs.append(_start(workers, _fit_attribution_quietly, config))
        parts = {}
        for task, data in given.items():
            data = gather(task, config, log) if data is None else data
            parts[task] = data + extra[task] if extra[task] else data
            _check_labels(task, parts[task])
        jobs += [_start(workers, _fit_compact, task, config, data) for task, data in parts.items()]
        done = [job() for job in jobs]
    except BaseException:
        if workers is not None:  # do not leave a tagger fitting for minutes after an error
            workers.shutdown(wait=False, kill_workers=True)
        raise
    if workers is not None:
        workers.shutdown()
    heads = {}
    for name, fitted, lines in done:
        if name == "attribution":
            attribution = fitted
        else:
            heads[name] = fitted
        if lines:
            _say(log, lines.rstrip("\n"))
    calibration = {}
    dev = {task: dev_set(task) if config.calibrate or config.prior_correction else Labelled() for task in heads}
    priors = {}
    for task in config.prior_correction:
        if len(dev[task]):
            priors[task] = p = fit_prior(heads[task], dev[task], config.prior_l2_for(task), dev_heldout_split(task),
                                         config.reading_for(task))
            _say(log, f"{task}: class priors shifted on {p['n']} dev rows; 2-fold estimate on held-out halves: "
                      f"accuracy {p['cv_accuracy_before']:.3f} -> {p['cv_accuracy_after']:.3f}, "
                      f"macro-F1 {p['cv_macro_f1_before']:.3f} -> {p['cv_macro_f1_after']:.3f}")
            if "heldout" in p:
                h = p["heldout"]
                _say(log, f"{task}: fully held out ({h['n']} rows of {DEV_FILES[task][0]}, shifts fitted on the other "
                          f"{h['n_fit']}): accuracy {h['accuracy_before']:.3f} -> {h['accuracy_after']:.3f}, "
                          f"macro-F1 {h['macro_f1_before']:.3f} -> {h['macro_f1_after']:.3f}")
    if config.calibrate:
        for task, head in (("topics", "topic"), ("frames", "frame")):
            data = dev[task]
            if len(data):
                calibration[head] = fit_temperature(heads[task], data)
                _say(log, f"{task}: temperature {calibration[head]:.2f} fitted on {len(data)} dev rows")
                if config.reading_for(task).kind == "pooled":
                    calibration[f"{head}_pooled"] = t = fit_temperature(heads[task], data, config.reading_for(task))
                    _say(log, f"{task}: temperature {t:.2f} for texts read sentence by sentence, fitted on the same rows")
    manifest = {
        "training_data": {
            task: {"sources": data.sources, "labels": dict(Counter(data.labels)), "left_out": data.left_out}
            for task, data in parts.items()
        }
    }
    if priors:
        manifest["prior_correction"] = priors
    if attribution is not None:
        articles = getattr(attribution, "trained_articles", None)
        manifest["training_data"]["attribution"] = {"sources": {"polnear (train split, articles)": articles or 0}}
    return Model(heads["topics"], heads["frames"], config, manifest, calibration, attribution)


def fit_attribution(config: TrainConfig, log=None):
    """The who-said-what tagger fitted on PolNeAR's train split, or None (with a line why) when
    PolNeAR or the ``[attribution]`` extra is absent, or the profile is commercial (PolNeAR's
    terms are research use): the heads do not depend on it."""
    from .attribution import TERMS, AttributionTagger, require_extra
    from .attribution_polnear import default_archive
    from .errors import InputError

    if config.profile == "commercial":
        _say(log, f"attribution: leaving out the tagger (profile commercial; terms: {TERMS})")
        return None
    try:
        require_extra()
    except InputError as e:
        _say(log, f"attribution: skipped: {e}")
        return None
    if not default_archive().exists():
        _say(log, f"attribution: skipped: PolNeAR is absent ({default_archive()}; set NEWSFRAME_DATA_DIR)")
        return None
    t0 = time.perf_counter()
    tagger = AttributionTagger().fit()
    _say(log, f"attribution: fitted on PolNeAR's train split in {time.perf_counter() - t0:.1f}s")
    return tagger


def fit_prior(pipe: Pipeline, data: Labelled, l2: float, split: tuple[Labelled, Labelled] | None = None,
              reading: Reading = WHOLE) -> dict[str, Any]:
    """Shift each class's intercept to the real-news register of ``data``; returns what it did.

    The corpora are mostly headlines and snippets with their own label mix; full articles pull
    generic prose towards whichever class the snippets wrote in full sentences (science and
    technology, from AG News). One additive shift per class, fitted by class-balanced log-loss
    with an L2 penalty, corrects that without favouring the dev set's own label mix. It lives
    in ``intercept_``, so the model stays one linear model and explanations stay exact. The loss
    is that of the probabilities as the head is read (``reading``, ``model.reading``).

    Returns the shifts and, because ``data`` is then no longer held out, an honest estimate:
    accuracy and macro-F1 on one half of ``data`` with shifts fitted on the other (2-fold,
    10 random splits), before and after. With ``split`` = (fit, test) it also reports the
    figure on ``test`` with shifts fitted on ``fit`` alone (``corpora.dev_heldout_split``).
    """
    clf = pipe.named_steps["clf"]
    classes = list(clf.classes_)
    scores = _Scores.of(pipe, classes, data, reading)
    if not len(scores.y):
        return {}
    report = {"n": len(scores.y), **_prior_cv(scores, l2)}
    if split is not None:
        report["heldout"] = _prior_heldout(_Scores.of(pipe, classes, split[0], reading),
                                           _Scores.of(pipe, classes, split[1], reading), l2)
    shift = _prior_shift(scores, l2)
    clf.intercept_ = (clf.intercept_ + shift).astype(clf.intercept_.dtype)
    return {"shift": dict(zip(classes, np.round(shift, 4).tolist())), **report}


class _Scores:
    """Decision scores of the pieces a head reads of labelled rows (one per row, or a row's
    sentences with the ``pooled`` reading), how many pieces each row has, and the rows' classes."""

    def __init__(self, z: np.ndarray, lengths: np.ndarray, y: np.ndarray):
        self.z, self.lengths, self.y = z, lengths, y
        self.starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)

    @classmethod
    def of(cls, pipe: Pipeline, classes: list[str], data: Labelled, reading: Reading) -> _Scores:
        """The rows of ``data`` whose label the head knows."""
        keep = [i for i, lab in enumerate(data.labels) if lab in classes]
        if not keep:
            return cls(np.empty((0, len(classes))), np.empty(0, dtype=np.int64), np.empty(0, dtype=int))
        pieces, lengths = reading.units([data.texts[i] for i in keep])
        return cls(pipe.decision_function(pieces), lengths, np.array([classes.index(data.labels[i]) for i in keep]))

    def rows(self, idx: np.ndarray) -> _Scores:
        take = np.concatenate([np.arange(self.starts[i], self.starts[i] + self.lengths[i]) for i in idx])
        return _Scores(self.z[take], self.lengths[idx], self.y[idx])

    def log_proba(self, shift: np.ndarray | float = 0.0, temperature: float = 1.0) -> np.ndarray:
        """Each row's log-probability of every class as the model gives it: its pieces' softmax
        probabilities averaged, then tempered (``model.reading``)."""
        return np.log(np.maximum(temper(pool(softmax(self.z + shift), self.lengths), temperature), 1e-300))

    def predict(self, shift: np.ndarray | float = 0.0) -> np.ndarray:
        return self.log_proba(shift).argmax(axis=1)


def _prior_heldout(fit: _Scores, test: _Scores, l2: float) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    out: dict[str, Any] = {"n_fit": len(fit.y), "n": len(test.y)}
    for when, pred in (("before", test.predict()), ("after", test.predict(_prior_shift(fit, l2)))):
        out[f"accuracy_{when}"] = round(float(accuracy_score(test.y, pred)), 4)
        out[f"macro_f1_{when}"] = round(float(f1_score(test.y, pred, average="macro", zero_division=0)), 4)
    return out


def _prior_shift(scores: _Scores, l2: float) -> np.ndarray:
    from scipy.optimize import minimize

    k = scores.z.shape[1]
    y = scores.y
    w = 1.0 / np.bincount(y, minlength=k).astype(float)[y]
    w /= w.sum()

    def loss(b: np.ndarray) -> float:
        return float(-(w * scores.log_proba(b)[np.arange(len(y)), y]).sum() + l2 * (b**2).sum())

    return minimize(loss, np.zeros(k), method="L-BFGS-B").x


def _prior_cv(scores: _Scores, l2: float, repeats: int = 10) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    rng = np.random.RandomState(0)
    n = len(scores.y)
    figures: dict[str, list[float]] = {"accuracy_before": [], "accuracy_after": [], "macro_f1_before": [], "macro_f1_after": []}
    for _ in range(repeats):
        order = rng.permutation(n)
        halves = (order[: n // 2], order[n // 2 :])
        for fit, test in (halves, halves[::-1]):
            part = scores.rows(test)
            for when, pred in (("before", part.predict()), ("after", part.predict(_prior_shift(scores.rows(fit), l2)))):
                figures[f"accuracy_{when}"].append(accuracy_score(part.y, pred))
                figures[f"macro_f1_{when}"].append(f1_score(part.y, pred, average="macro", zero_division=0))
    return {f"cv_{name}": round(float(np.mean(v)), 4) for name, v in figures.items()}


def fit_temperature(pipe: Pipeline, data: Labelled, reading: Reading = WHOLE) -> float:
    """The temperature T minimising the log-loss of softmax(decision / T) on ``data`` (with the
    ``pooled`` reading, of the pooled rows' averaged sentence probabilities tempered the same way:
    a mean of probabilities is flatter than one score's, so it gets its own temperature).

    One positive scalar: a monotone map that keeps every ranking and leaves the explained linear
    score untouched (temperature scaling, Guo et al. 2017). Labels the head never saw are skipped.
    """
    from scipy.optimize import minimize_scalar

    scores = _Scores.of(pipe, list(pipe.named_steps["clf"].classes_), data, reading)
    if (scores.lengths > 1).any():
        scores = scores.rows(np.flatnonzero(scores.lengths > 1))
    if not len(scores.y):
        return 1.0
    rows = np.arange(len(scores.y))

    def nll(log_t: float) -> float:
        return float(-scores.log_proba(temperature=np.exp(log_t))[rows, scores.y].mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded").x))


def _check_labels(task: str, data: Labelled) -> None:
    counts = Counter(data.labels)
    if len(counts) < MIN_CLASSES:
        raise DataError(
            f"Training the {task} head needs at least {MIN_CLASSES} labels; found {dict(counts)}. "
            "Add data in data/ or name more corpora."
        )


def _workers(n_jobs: int):
    """Worker processes for ``train``'s jobs, or None to run them here.

    A loky executor of its own (joblib's process pool), not the shared reusable one that joblib's
    ``Parallel`` hands out, so the two never meet; each worker's maths libraries get their share of
    the cores, as ``Parallel`` gives them.
    """
    if n_jobs < 2:
        return None
    from joblib.externals.loky import ProcessPoolExecutor

    threads = str(max((os.cpu_count() or 1) // n_jobs, 1))
    env = {name: threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    return ProcessPoolExecutor(max_workers=n_jobs, env=env)


def _start(workers, fn: Callable, *args) -> Callable[[], Any]:
    """Start ``fn(*args)`` in a worker (or, without workers, run it now); call the result to wait for it."""
    if workers is None:
        result = fn(*args)
        return lambda: result
    return workers.submit(fn, *args).result


def _fit_compact(task: str, config: TrainConfig, data: Labelled) -> tuple[str, Pipeline, str]:
    """The compacted head for ``task`` and its progress line."""
    t0 = time.perf_counter()
    pipe = fit_head(task, config, data)
    _compact(pipe)
    seconds = time.perf_counter() - t0
    return task, pipe, f"{task}: fitted on {len(data)} rows, {len(set(data.labels))} labels in {seconds:.1f}s"


def _fit_attribution_quietly(config: TrainConfig) -> tuple[str, Any, str]:
    """``fit_attribution`` with its progress lines returned, not printed."""
    lines = io.StringIO()
    return "attribution", fit_attribution(config, lines), lines.getvalue()


def _compact(pipe: Pipeline) -> None:
    """Store coefficients and idf as float32: half the bundle, no change to any label."""
    clf = pipe.named_steps["clf"]
    clf.coef_ = clf.coef_.astype(np.float32)
    tfidf = pipe.named_steps["vec"].tfidf_
    tfidf.idf_ = tfidf.idf_.astype(np.float32)


def _say(log, message: str) -> None:
    if log is not None:
        print(message, file=log, flush=True)
