"""The batch fast paths give exactly what the reference paths give, on real texts.

Reference paths: ``Featurizer.spans`` (token by token, with offsets), scikit-learn's own
``FeatureHasher(input_type="string")``, blingfire's own offset mapping, and each head reading
its own text (the topic head the whole body, the frame head each sentence).
"""

import csv
import gc
from collections import Counter

import blingfire
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher

from model import FRAMES, MAX_CHARS, TOPICS
from model.features import Featurizer, is_cue, tokenize, tokens_within
from model.segment import _LINE, _sentence_offsets, split_sentences

from conftest import ROOT

TRICKY = [
    "Line one\nLine two without stop\r\nThird: \"Is it?\" he asked.",
    "don't won't can\u2019t it\u2019s \u2028 x\x00y \ud800 z",
    "\u0130stanbul \u00c0\u00c9\u00ce 1,234.5 _under_ score_ __ \ufb01ne Stra\u00dfe \u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3",
    "The U.S. Sen. J. Smith said... Really?! \u00abNon\u00bb \u2018quoted\u2019 \u201cdouble\u201d.",
    "\U0001F600 " * 5 + "word. \U0001F600 Next \u00e9t\u00e9?",
    "Mr.Smith's co-op e-mail 3rd 2nd' 'tis o'clock. rock'\n's roll",
    "It wasn't me.'They said so.' Not never nothing without denial.",
    "??? \"\" ;; !",
]


def _texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for path in sorted((ROOT / "data" / "frames").glob("*.csv")) + [ROOT / "data" / "topics" / "snippets.csv"]:
        with open(path, encoding="utf-8", newline="") as fh:
            texts += [row["text"] for row in csv.DictReader(fh)]
    return texts + TRICKY


TEXTS = _texts()
SENTENCES = [t[s:e] for t in TEXTS for s, e in split_sentences(t[:MAX_CHARS])]


def _reference_transform(vec, texts):
    """``vec.transform_sentences`` rebuilt from ``spans`` and scikit-learn's string hashing."""
    names = [[name for name, _ in vec.analyzer.spans(t)] for t in texts]

    def hashed(rows, n):
        return FeatureHasher(n, input_type="string", alternate_sign=False).transform(rows).tocsr()

    if not vec.cue_features:
        return vec.tfidf_.transform(hashed(names, vec.n_features)).tocsr()
    words = vec.tfidf_.transform(hashed([[n for n in ns if not is_cue(n)] for ns in names], vec.n_features))
    cues = hashed([[n for n in ns if is_cue(n)] for ns in names], vec.cue_features)
    cues.data = np.full_like(cues.data, vec.cue_value)
    return sp.hstack([words, cues], format="csr")


@pytest.mark.parametrize(
    "featurizer",
    [Featurizer(), Featurizer(ngram_max=3, cues=True), Featurizer(ngram_max=1, stems=False, cues=True), Featurizer(4)],
    ids=repr,
)
def test_names_are_the_names_of_spans(featurizer):
    for text in TEXTS + SENTENCES:
        words, cues = featurizer.names(tokenize(text))
        spans = [name for name, _ in featurizer.spans(text)]
        assert Counter(words + cues) == Counter(spans)
        assert all(is_cue(n) for n in cues) and not any(is_cue(n) for n in words)


def test_a_hedge_shortly_after_a_directive_is_its_own_feature_spanning_both_words():
    featurizer = Featurizer(ngram_max=3, cues=True)
    text = "The board agreed that the losses would be moved to a subsidiary."
    plan = [parts for name, parts in featurizer.spans(text) if name == "plan:lex:hedge"]
    assert [[text[s:e] for s, e in parts] for parts in plan] == [["agreed", "would"]]
    for plain in ("The talks would resume next week.",
                  "The board agreed to a plan for the depot, and the council said next year that the cost would rise."):
        assert "plan:lex:hedge" not in featurizer(plain), plain
    assert "plan:lex:hedge" not in Featurizer(ngram_max=3)(text)


def test_both_heads_transform_as_the_reference_path(model):
    for head in (model.topic_pipeline, model.frame_pipeline):
        vec = head.named_steps["vec"]
        for texts in (TEXTS, SENTENCES):
            fast, ref = vec.transform_sentences(texts), _reference_transform(vec, texts)
            assert fast.shape == ref.shape and (fast != ref).nnz == 0


def test_sentence_offsets_are_blingfires():
    for text in TEXTS:
        safe = text.replace("\x00", " ").replace("\ud800", " ")
        for line in _LINE.finditer(safe):
            if line.group().strip():
                assert _sentence_offsets(line.group()) == blingfire.text_to_sentences_and_offsets(line.group())[1]


def test_document_tokens_are_its_sentences_tokens_when_tokens_within_says_so():
    checked = 0
    for text in TEXTS + ["a'\nb", "end'\n's", "x\u2019\ny", "one.two", "\"Quote\" \u00bbx"]:
        spans = split_sentences(text)
        joined = [t for s, e in spans for t in tokenize(text[s:e])]
        if tokens_within(text, spans):
            checked += 1
            assert joined == tokenize(text)
    assert checked > 0.9 * len(TEXTS)  # the shared path is the usual one


def test_score_equals_each_head_reading_its_own_text(model):
    inputs = TEXTS + ["", "   ", None, float("nan"), 7]
    scores, sentences = model.score(inputs, return_sentences=True)
    assert scores == model.score(inputs)
    scored = [t for t in inputs if isinstance(t, str) and t.strip()]
    topic_p = model.predict_topic_proba(scored)
    k = 0
    for text, score, (spans, probs) in zip(inputs, scores, sentences):
        if not (isinstance(text, str) and text.strip()):
            assert score.error and spans == [] and probs.shape == (0, len(FRAMES))
            continue
        body = text[:MAX_CHARS]
        assert spans == split_sentences(body)
        np.testing.assert_array_equal(probs, model.predict_frame_proba([body[s:e] for s, e in spans]))
        assert score.topic == TOPICS[int(topic_p[k].argmax())]
        assert score.topic_prob == float(topic_p[k].max())
        assert score.frame_counts == dict(zip(FRAMES, np.bincount(probs.argmax(axis=1), minlength=len(FRAMES)).tolist()))
        k += 1


@pytest.mark.parametrize("enabled", [True, False])
def test_score_leaves_garbage_collection_as_it_found_it(model, enabled):
    (gc.enable if enabled else gc.disable)()
    try:
        model.score(["The minister denied it."])
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
