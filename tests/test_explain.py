"""Explanations are exact: token weights plus the intercept give decision_function."""

import dataclasses
import random

import numpy as np
import pytest
from scipy.special import softmax

from model import FRAMES, TOPICS

WORDS = (
    "the minister denied report police say he attacked guard may could unclear confirmed admitted "
    "strike wages storm forecast rain match goal court fraud charged bank shares , . ? \" ' not never "
    "didn't \u201cquoted\u201d caf\u00e9 2024 3.5% U.S. Mr. Smith agreed ordered would possible appearing"
).split()


def random_texts(n, seed):
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40))) + rng.choice([".", "?", "", "!"])
        for _ in range(n)
    ]


@pytest.mark.parametrize("seed", range(3))
def test_frame_contributions_plus_intercept_equal_decision_function(model, seed):
    clf = model.frame_pipeline.named_steps["clf"]
    vec = model.frame_pipeline.named_steps["vec"]
    for text in random_texts(15, seed):
        decision = clf.decision_function(vec.transform([text]))[0]
        for label in FRAMES:
            exp = model.explain_frame(text, label)
            col = list(clf.classes_).index(label)
            assert exp.score == pytest.approx(decision[col], abs=1e-9)
            assert exp.intercept + sum(s.weight for s in exp.spans) == pytest.approx(decision[col], abs=1e-6)
            for s in exp.spans:
                assert 0 <= s.start < s.end <= len(text)


@pytest.mark.parametrize("seed", range(2))
def test_topic_contributions_plus_intercept_equal_the_share_weighted_sentence_scores(model, seed):
    from model.segment import split_sentences

    assert model.config.topic_reading == "pooled"
    clf = model.topic_pipeline.named_steps["clf"]
    vec = model.topic_pipeline.named_steps["vec"]
    texts = [" ".join("The " + t.rstrip(".?!") + "." for t in random_texts(7, seed * 100 + i)) for i in range(6)]
    for text in texts:
        sentences = [text[a:b] for a, b in split_sentences(text)]
        assert len(sentences) >= model.config.topic_pool_min_sentences
        decision = clf.decision_function(vec.transform(sentences))
        pooled = softmax(decision, axis=1).mean(axis=0)
        calibrated = pooled ** (1 / model.calibration["topic_pooled"])
        got = model.predict_topic_proba([text])[0]
        np.testing.assert_allclose(got[[TOPICS.index(c) for c in clf.classes_]], calibrated / calibrated.sum(), atol=1e-9)
        for label in (TOPICS[0], "politics", "weather"):
            exp = model.explain_topic(text, label)
            col = list(clf.classes_).index(label)
            shares = softmax(decision, axis=1)[:, col] / softmax(decision, axis=1)[:, col].sum()
            assert exp.score == pytest.approx(float(shares @ decision[:, col]), abs=1e-9)
            assert exp.intercept + sum(s.weight for s in exp.spans) == pytest.approx(exp.score, abs=1e-6)


def test_whole_reading_explains_the_one_bag_of_words_score(model):
    import copy

    from model.core import Model

    whole = Model(copy.deepcopy(model.topic_pipeline), model.frame_pipeline, dataclasses.replace(model.config, topic_reading="whole"))
    clf = whole.topic_pipeline.named_steps["clf"]
    for text in [". ".join(random_texts(4, 7 + i)) for i in range(4)]:
        decision = clf.decision_function(whole.topic_pipeline.named_steps["vec"].transform([text]))[0]
        exp = whole.explain_topic(text, "politics")
        col = list(clf.classes_).index("politics")
        assert exp.score == pytest.approx(decision[col], abs=1e-9)
        assert exp.intercept + sum(s.weight for s in exp.spans) == pytest.approx(decision[col], abs=1e-6)
        assert whole.score([text])[0].topic == whole.predict_topics([text])[0] == whole.analyze(text).topics[0].label


def test_evidence_is_the_strongest_positive_contributions(model):
    text = "The company flatly denied the allegations."
    exp = model.explain_frame(text, "denial")
    analysis = model.analyze(text)
    s = analysis.sentences[0]
    assert s.frame == "denial"
    words = [text[e.start : e.end] for e in s.evidence]
    assert "denied" in words
    best = max(exp.spans, key=lambda sp: sp.weight)
    assert (s.evidence[0].start, s.evidence[0].end) == (best.start, best.end)
    assert all(e.weight > 0 for e in s.evidence)
    assert np.all(np.diff([e.weight for e in s.evidence]) <= 0)
