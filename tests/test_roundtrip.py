"""Train on a tiny inline set, save, reload: same answers (spaCy's overfit-and-reload test)."""

import pytest

from model import DataError, FRAMES, TrainConfig, load_model, train
from model.corpora import Labelled

from conftest import TINY_FRAMES, TINY_TOPICS


def test_tiny_model_learns_its_training_data(tiny_model):
    texts = [t for t, _ in TINY_FRAMES]
    predicted = tiny_model.predict_frames(texts)
    accuracy = sum(p == g for p, (_, g) in zip(predicted, TINY_FRAMES)) / len(texts)
    assert accuracy >= 0.9
    topics = tiny_model.predict_topics([t for t, _ in TINY_TOPICS])
    assert topics == [g for _, g in TINY_TOPICS]


def test_save_load_gives_the_same_predictions_and_spans(tiny_model, tmp_path):
    path = tmp_path / "tiny.skops"
    sha = tiny_model.save(path)
    loaded = load_model(path)
    assert loaded.manifest["sha256"] == sha
    assert loaded.config == tiny_model.config
    texts = [t for t, _ in TINY_FRAMES] + ["Something else entirely. It may rain."]
    assert loaded.predict_frames(texts) == tiny_model.predict_frames(texts)
    assert loaded.predict_topics(texts) == tiny_model.predict_topics(texts)
    doc = " ".join(texts)
    assert loaded.analyze(doc) == tiny_model.analyze(doc)
    assert [s.to_row() for s in loaded.score(texts)] == [s.to_row() for s in tiny_model.score(texts)]


def test_unseen_topics_get_zero_probability_but_are_listed(tiny_model):
    a = tiny_model.analyze("The striker scored.")
    assert len(a.topics) == 17
    assert {t.label for t in a.topics if t.probability == 0} == set(a.topics[i].label for i in range(4, 17))


def test_training_is_deterministic(tiny_model):
    again = train(
        tiny_model.config,
        topics=Labelled(tuple(t for t, _ in TINY_TOPICS), tuple(l for _, l in TINY_TOPICS), (1.0,) * len(TINY_TOPICS)),
        frames=Labelled(tuple(t for t, _ in TINY_FRAMES), tuple(l for _, l in TINY_FRAMES), (1.0,) * len(TINY_FRAMES)),
        log=None,
    )
    text = "The minister denied it. Rain may fall."
    assert again.analyze(text) == tiny_model.analyze(text)


def test_training_with_too_few_labels_says_what_is_missing():
    data = Labelled(("a b", "c d"), ("denial", "neutral"), (1.0, 1.0))
    with pytest.raises(DataError, match="at least 3 labels"):
        train(TrainConfig(), topics=data, frames=data, log=None)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"topic_n_features": 1000}, "power of two"),
        ({"frame_C": 0}, "frame_C must be positive"),
        ({"also_threshold": 1.5}, "between 0 and 1"),
    ],
)
def test_config_checks_its_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs)


def test_config_round_trips_through_dict():
    config = TrainConfig(frame_C=2.5, topic_corpora=("ag_news",))
    assert TrainConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ValueError, match="Unknown TrainConfig keys"):
        TrainConfig.from_dict({"nope": 1})
    assert FRAMES[0] == "allegation"


def test_prior_correction_moves_only_intercepts_and_reports_a_held_out_estimate(tiny_model):
    import copy

    import numpy as np

    from model.train import fit_prior

    pipe = copy.deepcopy(tiny_model.frame_pipeline)
    texts = [t for t, _ in TINY_FRAMES] * 3
    before = pipe.decision_function(texts)
    coef = pipe.named_steps["clf"].coef_.copy()
    # A development set where every sentence is neutral: the neutral intercept must rise most.
    dev = Labelled(tuple(texts), ("neutral",) * len(texts), (1.0,) * len(texts))
    dev = dev + Labelled(tuple(t for t, _ in TINY_FRAMES), tuple(l for _, l in TINY_FRAMES), (1.0,) * len(TINY_FRAMES))
    report = fit_prior(pipe, dev, l2=0.01)
    shift = np.array([report["shift"][c] for c in pipe.named_steps["clf"].classes_])
    np.testing.assert_allclose(pipe.decision_function(texts), before + shift, atol=1e-3)
    np.testing.assert_array_equal(pipe.named_steps["clf"].coef_, coef)
    assert max(report["shift"], key=report["shift"].get) == "neutral"
    assert report["n"] == len(dev) and 0 <= report["cv_accuracy_after"] <= 1
    assert "heldout" not in report


def test_prior_correction_reports_a_split_fitted_on_one_part_and_scored_on_another(tiny_model):
    import copy

    from model.train import fit_prior

    pipe = copy.deepcopy(tiny_model.frame_pipeline)
    texts = tuple(t for t, _ in TINY_FRAMES)
    labels = tuple(l for _, l in TINY_FRAMES)
    test = Labelled(texts, labels, (1.0,) * len(texts))
    # Shifts fitted on an all-neutral part can only move the test part's predictions towards neutral.
    fit = Labelled(texts * 3, ("neutral",) * (3 * len(texts)), (1.0,) * (3 * len(texts)))
    h = fit_prior(pipe, fit + test, 0.01, (fit, test))["heldout"]
    assert h["n"] == len(test) and h["n_fit"] == len(fit)
    assert h["accuracy_after"] < h["accuracy_before"], h


def test_prior_correction_names_heads():
    with pytest.raises(ValueError, match="prior_correction names heads"):
        TrainConfig(prior_correction=("topic",))
    assert TrainConfig(prior_correction=["frames"]).prior_correction == ("frames",)
