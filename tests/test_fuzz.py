"""Property-based tests: ``analyze`` and ``score`` hold their contract for arbitrary input.

Texts are drawn from every code point (lone surrogates, NUL and control characters included),
mixed with fragments chosen to hurt: right-to-left and bidi controls, emoji sequences, HTML and
script tags, line separators, abbreviations, and long runs of one character. The example count
and determinism come from the "ci" profile in conftest.py.
"""

import json
import math
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

import model.core as core
from model import FRAMES, TOPICS, Analysis, DocScore

FRAGMENTS = (
    "The minister denied the claims. ",
    "Police say the man attacked a guard outside the bank. ",
    "It is unclear whether the talks will resume? ",
    "Mr. J. R. Smith of the U.S. paid $3.5 million on Jan. 5. ",
    '"That is completely untrue," the spokeswoman said. ',
    "نفى الوزير التقارير.",
    "השר הכחיש את הדיווחים.",
    "\u202eThe minister denied it.\u202c",
    "\u200f\u200e\u2066\u2069\u061c",
    "\U0001F469\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466",
    "\U0001F1FA\U0001F1E6 \U0001F642\ufe0f",
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "\"'><\u0000&lt;&amp;",
    "\ud800",
    "\udfff\ud800",
    "\udc80abc",
    "\x00",
    "\r\n",
    "\u2028\u2029\x85\x0b\x0c\x1c",
    "\x1b[31m\x07\x08\x7f",
    "\ufeff\u200b\u00ad\u2060",
    "e\u0301\u0308\u20dd",
    "\u0130\ufb03\u01c5\u00df",
    "\uffff\ufffe\U0010ffff\ufffd",
    "\u3002\uff01\uff1f",
    "... ?! ;; --",
)

any_char = st.characters()  # no filter: every code point, surrogates and controls included
run_chars = st.one_of(any_char, st.sampled_from(". a\n\u00a0\U0001F600"))
runs = st.builds(lambda c, n: c * n, run_chars, st.integers(50, 3000))
pieces = st.one_of(st.text(any_char, max_size=40), st.sampled_from(FRAGMENTS), runs)
texts = st.lists(pieces, max_size=12).map("".join)


def assert_probabilities(probs):
    assert all(math.isfinite(p) and 0.0 <= p <= 1.0 for p in probs)
    assert math.isclose(sum(probs), 1.0, abs_tol=1e-9)


def assert_valid_analysis(text, a):
    assert isinstance(a, Analysis)
    assert sorted(t.label for t in a.topics) == sorted(TOPICS)
    assert_probabilities([t.probability for t in a.topics])
    assert a.truncated == (len(text) > a.max_chars)
    previous_end = 0
    for s in a.sentences:
        assert previous_end <= s.start < s.end <= min(len(text), a.max_chars)
        assert text[s.start : s.end] == s.text
        assert s.frame in FRAMES and set(s.probs) == set(FRAMES)
        assert_probabilities(list(s.probs.values()))
        assert math.isfinite(s.topic_weight)
        for e in s.evidence:
            assert s.start <= e.start < e.end <= s.end and math.isfinite(e.weight)
        previous_end = s.end
    for e in a.topic_evidence:
        assert any(s.start <= e.start < e.end <= s.end for s in a.sentences)
    json.dumps(a.to_dict(), allow_nan=False)


@given(texts)
def test_analyze_holds_its_contract_for_any_text(model, text):
    assert_valid_analysis(text, model.analyze(text))


@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=30).map("".join))
def test_analyze_holds_its_contract_for_hostile_fragments(model, text):
    assert_valid_analysis(text, model.analyze(text))


@given(texts)
def test_truncation_at_any_cut_point_holds_the_contract(model, text):
    # A 64-character cap makes most examples cross it, at every kind of boundary: inside an
    # emoji sequence, between CR and LF, between a letter and its combining mark.
    with mock.patch.object(core, "MAX_CHARS", 64):
        a = model.analyze(text)
    assert a.max_chars == 64
    assert_valid_analysis(text, a)
    if a.truncated:
        assert any("truncated" in w for w in a.warnings)


cells = st.one_of(
    texts,
    st.none(),
    st.just(float("nan")),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.binary(max_size=40),
)
ANCHOR = "The minister denied the claims."


@st.composite
def batches(draw):
    """A list of cells, sometimes with one ordinary sentence among them."""
    values = draw(st.lists(cells, max_size=8))
    if draw(st.booleans()):
        values.insert(draw(st.integers(0, len(values))), ANCHOR)
    return values


@given(batches())
def test_score_keeps_length_and_order_for_any_cells(model, values):
    scores = model.score(values)
    assert len(scores) == len(values) and all(isinstance(s, DocScore) for s in scores)
    for value, sc in zip(values, scores):
        json.dumps(sc.to_row(), allow_nan=False)
        if isinstance(value, str) and value.strip():
            a = model.analyze(value)  # the same text alone: row i is about value i
            assert sc.error == "" and sc.topic == a.topic and sc.n_sentences == len(a.sentences)
            assert sc.frame_counts == a.frame_counts() and sc.truncated == a.truncated
        else:
            assert sc.error and sc.topic == "" and sc.topic_prob is None
