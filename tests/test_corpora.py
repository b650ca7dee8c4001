"""Corpus specs and loading through datasets, on local files; never a hub lookup by mistake."""

import gzip
import io
import random
from collections import Counter
from pathlib import Path

import pytest

from model import DataError, InputError, TrainConfig
from model.corpora import (
    EXPOSED_NOTE, Labelled, data_dir, dev_heldout_split, dev_set, load_corpus, parse_spec, recipe, referenced_rows, team_data,
)
from model.train import gather

SHARED = data_dir()
needs_corpora = pytest.mark.skipif(not (SHARED / "ag_news").exists(), reason="shared corpora absent")


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_local_csv_with_columns_and_map(tmp_path):
    f = write(tmp_path / "mine.csv", "body,section\nGoal in the final,Sports\nShares fell,Business\nA poem,Arts\n")
    spec = parse_spec(f"{f}?text=body&label=section&map=ag_news", "topics")
    data = load_corpus(spec)
    assert data.texts == ("Goal in the final", "Shares fell")  # Arts is not in the ag_news map: dropped
    assert data.labels == ("sport", "economy_business_finance")


def test_jsonl_and_where_filter(tmp_path):
    f = write(tmp_path / "f.jsonl", '{"text": "He denied it.", "frame": "denial", "split": "a"}\n'
                                    '{"text": "It may rain.", "frame": "speculation", "split": "b"}\n')
    data = load_corpus(parse_spec(f"{f}?label=frame&where=split:b", "frames"))
    assert data.texts == ("It may rain.",) and data.labels == ("speculation",)


def test_labels_outside_the_set_need_a_map(tmp_path):
    f = write(tmp_path / "bad.csv", "text,label\nSome text,Sports\n")
    with pytest.raises(DataError, match=r"outside the topics label set: \['Sports'\].*map="):
        load_corpus(parse_spec(str(f), "topics"))


def test_missing_column_names_the_fix(tmp_path):
    f = write(tmp_path / "cols.csv", "body,label\nx,sport\n")
    with pytest.raises(DataError, match=r"needs a column 'text'; found \['body', 'label'\].*\?text=COL"):
        load_corpus(parse_spec(str(f), "topics"))


def test_a_mistyped_path_is_an_error_not_a_hub_lookup(tmp_path):
    with pytest.raises(InputError, match="No corpus file at .*hf:owner/name"):
        parse_spec(str(tmp_path / "nope.csv"), "topics")
    with pytest.raises(InputError, match="No corpus file"):
        parse_spec("ag_newz", "topics")


def test_hub_ids_offline_fail_with_one_clear_error():
    spec = parse_spec("hf:someone/some-dataset", "topics")
    assert spec.is_hub
    with pytest.raises(InputError, match="Could not load hub dataset 'hf:someone/some-dataset'"):
        load_corpus(spec)


def test_unknown_spec_option_is_refused(tmp_path):
    f = write(tmp_path / "x.csv", "text,label\na,sport\n")
    with pytest.raises(InputError, match=r"Unknown option\(s\) \['lable'\]"):
        parse_spec(f"{f}?lable=x", "topics")


def test_recipe_names_terms_for_every_corpus():
    for name, entry in recipe().items():
        assert entry["terms"] and isinstance(entry["commercial"], bool), name


def test_training_without_corpora_says_it_uses_data_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSFRAME_DATA_DIR", str(tmp_path))
    log = io.StringIO()
    data = gather("frames", TrainConfig(), log)
    assert "training on the team's data in data/ alone" in log.getvalue()
    assert set(data.sources) == {f"data/frames/{f}.csv" for f in
                                 ("allegation", "confirmation", "denial", "neutral", "speculation")}


@needs_corpora
def test_commercial_profile_leaves_out_non_commercial_corpora():
    log = io.StringIO()
    data = gather("topics", TrainConfig(profile="commercial", topic_max_rows_per_label=5), log)
    assert "leaving out ag_news" in log.getvalue()
    assert "huffpost" in data.sources and "ag_news" not in data.sources
    team = len(team_data("topics"))
    assert max(Counter(data.labels[team:]).values()) <= 5


def test_capped_keeps_at_most_n_rows_per_label_in_their_order():
    data = Labelled(tuple(f"t{i}" for i in range(12)), tuple("abc"[i % 3] for i in range(12)), (1.0,) * 12, {"x": 12})
    capped = data.capped(2, random.Random(0))
    assert Counter(capped.labels) == {"a": 2, "b": 2, "c": 2}
    assert list(capped.texts) == sorted(capped.texts, key=lambda t: int(t[1:]))
    assert capped == data.capped(2, random.Random(0)) and set(capped.texts) < set(data.texts)


@needs_corpora
def test_dev_sets_resolve_against_the_shared_corpora():
    topics, frames = dev_set("topics"), dev_set("frames")
    assert len(topics) >= 200 and len(frames) >= 300
    assert all(len(t) > 200 for t in topics.texts)


def test_excluded_texts_are_not_read_from_a_corpus(tmp_path):
    f = write(tmp_path / "weak.csv", "text,label\nHe denied it.,denial\nIt may rain.,speculation\nShe admitted it.,confirmation\n")
    data = load_corpus(parse_spec(str(f), "frames"), exclude={"It may rain."})
    assert data.texts == ("He denied it.", "She admitted it.") and data.sources == {"weak.csv": 2}


def two_polnear_sentences(tmp_path, monkeypatch):
    """A stand-in shared data dir whose PolNeAR table holds two sentences of article a1."""
    shared = tmp_path / "shared"
    (shared / "polnear").mkdir(parents=True)
    with gzip.open(shared / "polnear" / "polnear_sentences.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write("article,sent_idx,text\na1,0,Officials denied the report.\na1,1,The vote is on Tuesday.\n")
    monkeypatch.setenv("NEWSFRAME_DATA_DIR", str(shared))


def test_referenced_rows_resolve_keys_and_name_a_missing_one(tmp_path, monkeypatch):
    two_polnear_sentences(tmp_path, monkeypatch)
    refs = write(tmp_path / "refs.csv", "corpus,key,label,note\npolnear_train,a1#1,neutral,\npolnear_train,a1#0,denial,\n")
    data = referenced_rows(refs, "frames", "refs", weight=2.0)
    assert data.texts == ("The vote is on Tuesday.", "Officials denied the report.")
    assert data.labels == ("neutral", "denial") and data.weights == (2.0, 2.0) and data.sources == {"refs": 2}
    write(refs, "corpus,key,label,note\npolnear_train,a9#4,neutral,\n")
    with pytest.raises(DataError, match="key 'a9#4' is not in"):
        referenced_rows(refs, "frames", "refs")
    write(refs, "corpus,key,label,note\npolnear_train,a1#1,rumour,\n")
    with pytest.raises(DataError, match=r"labels outside the frames label set: \['rumour'\]"):
        referenced_rows(refs, "frames", "refs")
    write(refs, "corpus,key,label,note\npolnear_train,a1#1,neutral,\n")
    monkeypatch.setenv("NEWSFRAME_DATA_DIR", str(tmp_path / "nowhere"))
    assert len(referenced_rows(refs, "frames", "refs")) == 0


def test_rows_quoted_in_a_data_brief_are_left_out_of_held_out_figures(tmp_path, monkeypatch):
    two_polnear_sentences(tmp_path, monkeypatch)
    refs = write(tmp_path / "refs.csv", "corpus,key,label,note\npolnear_dev,a1#0,denial,"
                 f"quoted in a brief; {EXPOSED_NOTE}\npolnear_dev,a1#1,neutral,plain date\n")
    assert referenced_rows(refs, "frames", "refs").texts == ("Officials denied the report.", "The vote is on Tuesday.")
    assert referenced_rows(refs, "frames", "refs", skip_exposed=True).texts == ("The vote is on Tuesday.",)


@needs_corpora
def test_development_rows_are_never_trained_on():
    """Both frame development files resolve, and none of their sentences reaches training."""
    dev = dev_set("frames")
    assert dev.sources["dev/frames_dev.csv"] >= 300 and dev.sources["dev/frames_polnear_train.csv"] >= 1000
    data = gather("frames", TrainConfig(max_rows_per_label=10**6, review_below=0.0), None)
    assert not set(dev.texts) & set(data.texts)
    fit, test = dev_heldout_split("frames")
    assert len(fit) == dev.sources["dev/frames_polnear_train.csv"]
    assert 300 <= len(test) < dev.sources["dev/frames_dev.csv"] and not set(test.texts) & set(fit.texts)
    assert dev_heldout_split("topics") is None


@needs_corpora
def test_cross_corpus_on_a_sample_reports_cross_and_in_domain():
    from model.crosscorpus import cross_corpus

    result = cross_corpus("frames", TrainConfig(max_iter=100), sample=30, test_cap=20)
    assert {"polnear", "hedge", "team (data/)", "emergent"} <= set(result)
    for name, r in result.items():
        assert 0 <= r["cross"]["accuracy"] <= 1 and "ece" in r["cross"]
        assert (r["in_domain"] is None) == (name in ("emergent", "rumoureval", "dev set (team-labelled)"))


@needs_corpora
@pytest.mark.slow
def test_default_recipe_reproduces_the_shipped_model(model, seed_text):
    """Reproducible means the same predictions on a fixed check set under the pinned versions."""
    import numpy as np

    from model import train
    from model.segment import split_sentences

    retrained = train(TrainConfig(), log=None)
    sentences = [seed_text[s:e] for s, e in split_sentences(seed_text)]
    docs = list(dev_set("topics").texts[:60]) + [seed_text]
    np.testing.assert_allclose(retrained.predict_frame_proba(sentences), model.predict_frame_proba(sentences), atol=1e-5)
    np.testing.assert_allclose(retrained.predict_topic_proba(docs), model.predict_topic_proba(docs), atol=1e-5)
    assert retrained.calibration == pytest.approx(model.calibration, abs=1e-6)
    if model.has_attribution:
        who = [(s.source, s.cue) for s in model.analyze(seed_text, attribution=True).sentences]
        assert [(s.source, s.cue) for s in retrained.analyze(seed_text, attribution=True).sentences] == who
