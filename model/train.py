"""``train``: fit the topic and frame heads from the team's data and the named corpora."""

from __future__ import annotations

import io
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from .config import TrainConfig
from .core import Model
from .corpora import DEV_FILES, Labelled, data_dir, dev_heldout_split, dev_set, dev_texts, load_corpus, parse_spec, team_data
from .errors import DataError
from .features import Featurizer
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
    topics = gather("topics", config, log) if topics is None else topics
    frames = gather("frames", config, log) if frames is None else frames
    topics = topics + extra_topics if extra_topics else topics
    frames = frames + extra_frames if extra_frames else frames
    parts = {"topics": topics, "frames": frames}
    for task, data in parts.items():
        counts = Counter(data.labels)
        if len(counts) < MIN_CLASSES:
            raise DataError(
                f"Training the {task} head needs at least {MIN_CLASSES} labels; found {dict(counts)}. "
                "Add data in data/ or name more corpora."
            )
    # The two heads and the who-said-what tagger do not depend on each other: with n_jobs > 1
    # they are fitted in worker processes at the same time (the same fits up to float rounding).
    # Each job returns (name, fitted, progress lines), since a worker's stderr is not the log.
    jobs = [delayed(_fit_compact)(task, config, data) for task, data in parts.items()]
    if attribution is None and config.attribution:
        jobs.append(delayed(_fit_attribution_quietly)(config))
    heads = {}
    for name, fitted, lines in Parallel(n_jobs=min(config.n_jobs, len(jobs)))(jobs):
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
            priors[task] = p = fit_prior(heads[task], dev[task], config.prior_l2, dev_heldout_split(task))
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
    manifest = {
        "training_data": {
            task: {"sources": data.sources, "labels": dict(Counter(data.labels)), "left_out": data.left_out}
            for task, data in (("topics", topics), ("frames", frames))
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


def fit_prior(pipe: Pipeline, data: Labelled, l2: float, split: tuple[Labelled, Labelled] | None = None) -> dict[str, Any]:
    """Shift each class's intercept to the real-news register of ``data``; returns what it did.

    The corpora are mostly headlines and snippets with their own label mix; full articles pull
    generic prose towards whichever class the snippets wrote in full sentences (science and
    technology, from AG News). One additive shift per class, fitted by class-balanced log-loss
    with an L2 penalty, corrects that without favouring the dev set's own label mix. It lives
    in ``intercept_``, so the model stays one linear model and explanations stay exact.

    Returns the shifts and, because ``data`` is then no longer held out, an honest estimate:
    accuracy and macro-F1 on one half of ``data`` with shifts fitted on the other (2-fold,
    10 random splits), before and after. With ``split`` = (fit, test) it also reports the
    figure on ``test`` with shifts fitted on ``fit`` alone (``corpora.dev_heldout_split``).
    """
    clf = pipe.named_steps["clf"]
    classes = list(clf.classes_)
    z, y = _scores(pipe, classes, data)
    if not len(y):
        return {}
    report = {"n": len(y), **_prior_cv(z, y, l2)}
    if split is not None:
        report["heldout"] = _prior_heldout(pipe, classes, *split, l2)
    shift = _prior_shift(z, y, l2)
    clf.intercept_ = (clf.intercept_ + shift).astype(clf.intercept_.dtype)
    return {"shift": dict(zip(classes, np.round(shift, 4).tolist())), **report}


def _scores(pipe: Pipeline, classes: list[str], data: Labelled) -> tuple[np.ndarray, np.ndarray]:
    """Decision scores and class indices of ``data``'s rows whose label the head knows."""
    keep = [i for i, lab in enumerate(data.labels) if lab in classes]
    if not keep:
        return np.empty((0, len(classes))), np.empty(0, dtype=int)
    return pipe.decision_function([data.texts[i] for i in keep]), np.array([classes.index(data.labels[i]) for i in keep])


def _prior_heldout(pipe: Pipeline, classes: list[str], fit: Labelled, test: Labelled, l2: float) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    (zf, yf), (zt, yt) = _scores(pipe, classes, fit), _scores(pipe, classes, test)
    out: dict[str, Any] = {"n_fit": len(yf), "n": len(yt)}
    for when, pred in (("before", zt.argmax(1)), ("after", (zt + _prior_shift(zf, yf, l2)).argmax(1))):
        out[f"accuracy_{when}"] = round(float(accuracy_score(yt, pred)), 4)
        out[f"macro_f1_{when}"] = round(float(f1_score(yt, pred, average="macro", zero_division=0)), 4)
    return out


def _prior_shift(z: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    from scipy.optimize import minimize

    k = z.shape[1]
    w = 1.0 / np.bincount(y, minlength=k).astype(float)[y]
    w /= w.sum()

    def loss(b: np.ndarray) -> float:
        s = z + b
        s = s - s.max(axis=1, keepdims=True)
        return float(-(w * (s[np.arange(len(y)), y] - np.log(np.exp(s).sum(axis=1)))).sum() + l2 * (b**2).sum())

    return minimize(loss, np.zeros(k), method="L-BFGS-B").x


def _prior_cv(z: np.ndarray, y: np.ndarray, l2: float, repeats: int = 10) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    rng = np.random.RandomState(0)
    figures: dict[str, list[float]] = {"accuracy_before": [], "accuracy_after": [], "macro_f1_before": [], "macro_f1_after": []}
    for _ in range(repeats):
        order = rng.permutation(len(y))
        halves = (order[: len(y) // 2], order[len(y) // 2 :])
        for fit, test in (halves, halves[::-1]):
            for when, pred in (("before", z[test].argmax(1)), ("after", (z[test] + _prior_shift(z[fit], y[fit], l2)).argmax(1))):
                figures[f"accuracy_{when}"].append(accuracy_score(y[test], pred))
                figures[f"macro_f1_{when}"].append(f1_score(y[test], pred, average="macro", zero_division=0))
    return {f"cv_{name}": round(float(np.mean(v)), 4) for name, v in figures.items()}


def fit_temperature(pipe: Pipeline, data: Labelled) -> float:
    """The temperature T minimising the log-loss of softmax(decision / T) on ``data``.

    One positive scalar: a monotone map that keeps every ranking and leaves the explained linear
    score untouched (temperature scaling, Guo et al. 2017). Labels the head never saw are skipped.
    """
    from scipy.optimize import minimize_scalar

    classes = list(pipe.named_steps["clf"].classes_)
    keep = [i for i, lab in enumerate(data.labels) if lab in classes]
    if not keep:
        return 1.0
    z = pipe.decision_function([data.texts[i] for i in keep])
    y = np.array([classes.index(data.labels[i]) for i in keep])

    def nll(log_t: float) -> float:
        s = z / np.exp(log_t)
        s = s - s.max(axis=1, keepdims=True)
        return float(-(s[np.arange(len(y)), y] - np.log(np.exp(s).sum(axis=1))).mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded").x))


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
