"""How the topic head reads a text (model.reading): pooled sentences, calibrated by one monotone map."""

import dataclasses

import numpy as np
import pytest

from model import TOPICS, TrainConfig
from model.reading import WHOLE, Reading, pool, softmax, temper
from model.segment import split_sentences


def test_temper_of_one_softmax_is_temperature_scaling():
    z = np.random.default_rng(0).normal(size=(50, 17)) * 4
    for t in (0.25, 0.6, 1.0, 2.5):
        np.testing.assert_allclose(temper(softmax(z), t), softmax(z / t), atol=1e-12)


def test_temper_keeps_every_rows_order():
    p = pool(softmax(np.random.default_rng(1).normal(size=(40, 17)) * 3), np.array([1, 3, 10, 26]))
    for t in (0.2, 0.5, 3.0):
        q = temper(p, t)
        np.testing.assert_allclose(q.sum(axis=1), 1.0)
        assert (np.argsort(-q, axis=1, kind="stable") == np.argsort(-p, axis=1, kind="stable")).all()


def test_pool_averages_each_texts_own_rows():
    p = np.arange(12, dtype=float).reshape(6, 2)
    np.testing.assert_allclose(pool(p, np.array([1, 2, 3])), [[0, 1], [3, 4], [8, 9]])
    assert pool(np.zeros((0, 2)), np.array([], dtype=np.int64)).shape == (0, 2)


def test_units_are_the_sentences_of_long_texts_and_short_texts_whole(seed_text):
    reading = Reading("pooled", 5)
    short = "Rates rise again. Markets fall. Banks react."
    pieces, lengths = reading.units([seed_text, short, "One line without an ending", "   "])
    sentences = [seed_text[s:e] for s, e in split_sentences(seed_text)]
    assert len(sentences) >= 5 and len(split_sentences(short)) == 3
    assert lengths.tolist() == [len(sentences), 1, 1, 1]
    assert pieces[: len(sentences)] == sentences and pieces[len(sentences):] == [short, "One line without an ending", "   "]
    assert Reading("pooled", 1).units([short])[1].tolist() == [3]
    assert WHOLE.units([seed_text]) == ([seed_text], np.array([1]))
    assert Reading("pooled").spans(seed_text, [(0, 5)]) == [(0, 5)]
    assert TrainConfig().reading_for("topics") == Reading("pooled", 5) and TrainConfig().reading_for("frames") == WHOLE


def test_pooled_article_probability_is_the_tempered_mean_of_its_sentences(model, seed_text):
    sentences = [seed_text[s:e] for s, e in split_sentences(seed_text)]
    X = model.topic_pipeline.named_steps["vec"].transform(sentences)
    clf = model.topic_pipeline.named_steps["clf"]
    expected = temper(softmax(clf.decision_function(X)).mean(axis=0, keepdims=True), model.calibration["topic_pooled"])[0]
    got = model.predict_topic_proba([seed_text])[0]
    np.testing.assert_allclose(got[[TOPICS.index(c) for c in clf.classes_]], expected, atol=1e-9)
    assert model.analyze(seed_text).topics[0].probability == pytest.approx(float(got.max()), abs=1e-12)


def test_short_texts_read_the_same_either_way(model):
    from model.core import Model

    whole = Model(model.topic_pipeline, model.frame_pipeline, dataclasses.replace(model.config, topic_reading="whole"),
                  calibration=model.calibration)
    headlines = ["Central bank raises interest rates to curb inflation", "Striker signs five-year deal with champions",
                 "Rates rise again. Markets fall. Banks react to the move, which surprised traders."]
    np.testing.assert_allclose(whole.predict_topic_proba(headlines), model.predict_topic_proba(headlines), atol=1e-9)


def test_config_names_a_reading():
    with pytest.raises(ValueError, match="topic_reading must be one of"):
        TrainConfig(topic_reading="lead")
    with pytest.raises(ValueError, match="topic_pool_min_sentences must be >= 1"):
        TrainConfig(topic_pool_min_sentences=0)


def test_prior_shift_and_temperature_are_fitted_on_pooled_texts(tiny_model):
    import copy

    from conftest import TINY_TOPICS
    from model.corpora import Labelled
    from model.train import fit_prior, fit_temperature

    pipe = copy.deepcopy(tiny_model.topic_pipeline)
    texts = [t for t, _ in TINY_TOPICS]
    docs = tuple(f"{a} {b}" for a, b in zip(texts, texts[1:] + texts[:1]))
    # Every two-sentence text labelled weather: the weather intercept must rise most.
    dev = Labelled(docs, ("weather",) * len(docs), (1.0,) * len(docs))
    dev = dev + Labelled(tuple(texts), tuple(l for _, l in TINY_TOPICS), (1.0,) * len(texts))
    report = fit_prior(pipe, dev, 0.01, reading=Reading("pooled"))
    assert report["n"] == len(dev)
    assert max(report["shift"], key=report["shift"].get) == "weather"
    t = fit_temperature(pipe, dev, Reading("pooled"))
    assert 0.05 < t < 20 and t != fit_temperature(pipe, dev, WHOLE)
