"""Explanations are exact: token weights plus the intercept give decision_function."""

import random

import numpy as np
import pytest

from model import FRAMES, TOPICS

WORDS = (
    "the minister denied report police say he attacked guard may could unclear confirmed admitted "
    "strike wages storm forecast rain match goal court fraud charged bank shares , . ? \" ' not never "
    "didn't \u201cquoted\u201d caf\u00e9 2024 3.5% U.S. Mr. Smith"
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
def test_topic_contributions_plus_intercept_equal_decision_function(model, seed):
    clf = model.topic_pipeline.named_steps["clf"]
    texts = [". ".join(random_texts(5, seed * 100 + i)) for i in range(6)]
    X = model.topic_pipeline.named_steps["vec"].transform(texts)
    decisions = clf.decision_function(X)
    for text, decision in zip(texts, decisions):
        for label in (TOPICS[0], "politics", "weather"):
            exp = model.explain_topic(text, label)
            col = list(clf.classes_).index(label)
            assert exp.intercept + sum(s.weight for s in exp.spans) == pytest.approx(decision[col], abs=1e-6)


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
