import json
import math

import pytest

from model import FRAMES, MAX_CHARS, TOPICS, Analysis


def sentence_containing(analysis, fragment):
    hits = [s for s in analysis.sentences if fragment in s.text]
    assert len(hits) == 1, f"expected one sentence with {fragment!r}, got {len(hits)}"
    return hits[0]


def test_seed_peskov_sentence_is_denial(model, seed_text):
    s = sentence_containing(model.analyze(seed_text), "Peskov")
    assert s.frame == "denial"


def test_seed_papers_appear_genuine_is_confirmation(model, seed_text):
    s = sentence_containing(model.analyze(seed_text), "appear to be genuine")
    assert s.frame == "confirmation"


def test_seed_unclear_appendix_is_speculation(model, seed_text):
    assert sentence_containing(model.analyze(seed_text), "It is unclear").frame == "speculation"


def test_seed_topic_is_politics(model, seed_text):
    assert model.analyze(seed_text).topic == "politics"


def test_topics_are_a_softmax_over_all_17(model, seed_text):
    a = model.analyze(seed_text)
    assert [t.label for t in a.topics] != list(TOPICS)  # ranked, not in label order
    assert sorted(t.label for t in a.topics) == sorted(TOPICS)
    assert math.isclose(sum(t.probability for t in a.topics), 1.0, abs_tol=1e-9)
    probs = [t.probability for t in a.topics]
    assert probs == sorted(probs, reverse=True)


def test_sentence_offsets_slice_the_exact_input(model, seed_text):
    a = model.analyze(seed_text)
    assert len(a.sentences) >= 15
    for s in a.sentences:
        assert seed_text[s.start : s.end] == s.text
        assert s.frame in FRAMES
        assert math.isclose(sum(s.probs.values()), 1.0, abs_tol=1e-9)
        assert set(s.probs) == set(FRAMES)
        for e in s.evidence:
            assert s.start <= e.start < e.end <= s.end
    for e in a.topic_evidence:
        assert seed_text[e.start : e.end].strip()


def test_offsets_survive_unusual_characters(model):
    text = "  Caf\u00e9 \u201cquoted\u201d \U0001F600 emoji.\r\n\tSecond\u00a0line here!\x00 Third \ud800 one?"
    a = model.analyze(text)
    assert [text[s.start : s.end] for s in a.sentences] == [s.text for s in a.sentences]
    assert [s.text[:6] for s in a.sentences][:2] == ["Caf\u00e9 \u201c", "Second"]
    json.dumps(a.to_dict())


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x01\x02", "\u200b", "*** \u2014 \U0001F600"])
def test_empty_and_blank_text_give_a_valid_analysis(model, text):
    a = model.analyze(text)
    assert isinstance(a, Analysis)
    assert a.sentences == ()
    assert math.isclose(sum(t.probability for t in a.topics), 1.0, abs_tol=1e-9)
    assert not a.truncated


def test_empty_text_topics_are_the_prior(model):
    a, b = model.analyze(""), model.analyze("   ")
    assert a.topics == b.topics
    assert a.sentences == () and a.topic_evidence == ()


def test_long_text_is_truncated_and_flagged(model):
    text = "The council approved the new budget on Monday. " * 4300  # about 200,000 characters
    a = model.analyze(text)
    assert a.truncated and a.max_chars == MAX_CHARS
    assert a.warnings and "truncated" in a.warnings[0]
    assert max(s.end for s in a.sentences) <= MAX_CHARS
    assert not model.analyze(text[:1000]).truncated


def test_to_dict_is_json_with_schema_version(model, seed_text):
    d = json.loads(json.dumps(model.analyze(seed_text).to_dict()))
    assert d["schema_version"] == 1
    assert d["topic"] == d["topics"][0]["label"]
    assert {"start", "end", "text", "frame", "probs", "evidence", "topic_weight"} <= set(d["sentences"][0])


def test_predict_topics_agrees_with_analyze(model, seed_text):
    texts = [seed_text, "The striker scored twice in the final.", "", "Heavy snow is forecast for Friday."]
    assert model.predict_topics(texts) == [model.analyze(t).topics[0].label for t in texts]


def test_predict_frames_reads_each_string_as_one_sentence(model):
    frames = model.predict_frames(["The minister denied the report. It is unclear why.", "It is unclear why."])
    assert len(frames) == 2 and all(f in FRAMES for f in frames)


def test_score_agrees_with_analyze_row_by_row(model, seed_text):
    texts = [seed_text, "The club denied the reports. Talks may resume.", "", None, 42, "  "]
    scores = model.score(texts)
    assert len(scores) == len(texts)
    for text, sc in zip(texts[:2], scores[:2]):
        a = model.analyze(text)
        assert sc.topic == a.topic and sc.error == ""
        assert sc.frame_counts == a.frame_counts()
        assert sc.n_sentences == len(a.sentences)
        assert math.isclose(sc.topic_prob, a.topics[0].probability, rel_tol=1e-9)
    assert [s.error for s in scores[2:]] == ["blank text", "missing text", "not text (int)", "blank text"]


def test_topic_weights_add_up_to_the_top_topic_score(model, seed_text):
    a = model.analyze(seed_text)
    exp = model.explain_topic(seed_text)
    assert exp.label == a.topic
    assert math.isclose(sum(s.topic_weight for s in a.sentences), exp.score - exp.intercept, abs_tol=1e-4)


def test_analyze_rejects_non_text_with_a_clear_error(model):
    from model import InputError

    with pytest.raises(InputError, match="expects a str; got bytes"):
        model.analyze(b"bytes")


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, model; print(sorted(m for m in ('streamlit', 'datasets', 'skops') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
