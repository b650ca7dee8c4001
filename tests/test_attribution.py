"""Who said what: the attribution tagger, its PolNeAR reader, linking, resolution and state."""

import subprocess
import sys

import pytest

from model import Mention
from model.attribution import AttributionTagger, evaluate_attribution, load_state, save_state
from model.attribution_features import Featurizer, bio_tags
from model.attribution_link import Chunk, Relation, by_sentence, chunks, primary, sentence_relations
from model.attribution_polnear import default_archive, parse_ann, read_split
from model.attribution_resolve import resolve
from model.errors import DataError, IncompatibleModelError, InputError
from model.segment import split_sentences

from conftest import SEED

# Half the train split, evenly spaced over the seven publishers: the seed's sources come out as
# with the full split (150 articles were too few), and the fit takes about half a minute.
SAMPLE_ARTICLES = 400


@pytest.fixture(scope="session")
def tagger():
    if not default_archive().exists():
        pytest.skip("PolNeAR is absent (NEWSFRAME_DATA_DIR/polnear)")
    return AttributionTagger().fit(limit=SAMPLE_ARTICLES)


@pytest.fixture(scope="session")
def seed_output(tagger):
    text = SEED.read_text(encoding="utf-8")
    spans = split_sentences(text)
    return text, spans, tagger.predict(text, spans)


def _sentence_with(text, spans, out, needle):
    [i] = [i for i, (s, e) in enumerate(spans) if needle in text[s:e]]
    return out[i]


def test_import_model_does_not_import_spacy_or_crfsuite():
    code = (
        "import sys, model, model.attribution; "
        "print(sorted(m for m in ('spacy', 'pycrfsuite', 'thinc') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_parse_ann_reads_sources_cues_contents_and_discontinuous_parts():
    text = "Peskov said it was fiction, and dismissed the claim as a smear."
    ann = (
        "T1\tSource 0 6\tPeskov\nT2\tCue 7 11\tsaid\nT3\tContent 12 26\tit was fiction\n"
        "T4\tAttribution 7 11\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        "T5\tCue 32 41;52 54\tdismissed as\nT6\tContent 42 51\tthe claim\nT7\tAttribution-no-source 32 41\tdismissed\n"
        "E2\tAttribution-no-source:T7 Cue:T5 Content:T6\n#1\tAnnotatorNotes T1\ta note\n"
    )
    first, second = parse_ann(ann, len(text))
    assert first.source == ((0, 6),) and first.cue == ((7, 11),) and first.content == ((12, 26),)
    assert second.source == () and second.cue == ((32, 41), (52, 54))


def test_read_split_names_the_missing_archive_and_the_fix(tmp_path):
    with pytest.raises(DataError, match="PolNeAR is not at .*NEWSFRAME_DATA_DIR/polnear"):
        read_split("train", tmp_path / "absent.tar.gz")
    with pytest.raises(DataError, match="must be one of"):
        read_split("validation")


def test_bio_tags_let_the_cue_win_over_source_and_content():
    text = "Peskov said the report was fiction."
    [sentence] = Featurizer().sentences(text, [(0, len(text))])
    roles = [("SRC", 0, 0, 6), ("CUE", 1, 7, 11), ("CON", 2, 7, 34)]
    assert bio_tags(sentence, roles) == ["B-SRC", "B-CUE", "B-CON", "I-CON", "I-CON", "I-CON", "O"]


def test_featurizer_gives_offsets_into_the_exact_text():
    text = "  “It is fiction,” he said.\n\nAccording to\u00a0experts, it is real. "
    spans = split_sentences(text)
    for sentence in Featurizer().sentences(text, spans):
        assert len(sentence.tokens) == len(sentence.features)
        for start, end in sentence.tokens:
            assert sentence.start <= start < end <= sentence.end and text[start:end].strip()


def test_a_source_between_two_cues_is_split_at_its_comma():
    text = "According to independent experts, the papers appear to be genuine."
    [sentence] = Featurizer().sentences(text, [(0, len(text))])
    tags = ["B-CUE", "I-CUE", "B-SRC", "I-SRC", "I-SRC", "I-SRC", "I-SRC", "B-CUE", "B-CON", "I-CON", "I-CON", "O"]
    relations = sentence_relations(0, sentence, chunks(tags), text)
    assert [text[r.source[0] : r.source[1]] for r in relations] == ["independent experts", "the papers"]
    assert primary(relations).cue == ((0, 12),)


def test_chunks_start_a_new_chunk_on_a_stray_inside_tag():
    assert chunks(["I-SRC", "I-SRC", "B-CUE", "I-CON", "O", "I-CON"]) == [
        Chunk("SRC", 0, 1),
        Chunk("CUE", 2, 2),
        Chunk("CON", 3, 3),
        Chunk("CON", 5, 5),
    ]


def test_a_quote_over_two_sentences_takes_the_attribution_of_the_second():
    text = '"The plan is dead. We will not revive it," she said.'
    spans = split_sentences(text)
    assert len(spans) == 2
    sentences = Featurizer().sentences(text, spans)
    said = text.index("said")
    she = text.index("she")
    relation = Relation(1, (she, she + 3), ((said, said + 4),), (spans[1][0], text.index(",")))
    (first, content), (second, _) = by_sentence(text, sentences, [relation])
    assert first is relation and second is relation
    assert text[content[0] : content[1]] == "The plan is dead"


def test_pronoun_and_description_sources_resolve_to_the_earlier_named_mention():
    text = (
        "Kremlin spokesman Dmitri Peskov said the report was fiction. "
        "He said it again on Friday. The spokesman added nothing. "
        "A report in the Guardian said otherwise. It said the papers were real."
    )
    spans = split_sentences(text)

    def part(needle, start=0):
        i = text.index(needle, start)
        return (i, i + len(needle))

    peskov, he, spokesman = part("Kremlin spokesman Dmitri Peskov"), part("He said")[0], part("The spokesman")
    he = (he, he + 2)
    report, it = part("A report in the Guardian"), part("It said")[0]
    it = (it, it + 2)
    mentions = [(0, peskov), (1, he), (2, spokesman), (3, report), (4, it)]
    resolved = resolve(text, mentions, spans)
    assert resolved[peskov] is None
    assert resolved[he] == peskov and resolved[spokesman] == peskov
    assert resolved[it] == report


def test_unfitted_tagger_says_how_to_fit_it():
    with pytest.raises(DataError, match=r"not fitted.*AttributionTagger\(\)\.fit\(\)"):
        AttributionTagger().predict("He said so.", [(0, 11)])
    with pytest.raises(DataError, match="fit it first"):
        AttributionTagger().to_state()


def test_from_state_refuses_another_format_and_says_to_refit():
    with pytest.raises(IncompatibleModelError, match="missing"):
        AttributionTagger.from_state({"format": 1})
    with pytest.raises(IncompatibleModelError, match="format 99.*Refit"):
        AttributionTagger.from_state({"format": 99, "tags": [], "params": {}, "crf": b""})


def test_saved_state_files_round_trip_without_pickle(tmp_path):
    state = {"format": 1, "tags": ["O"], "params": {"c1": 0.5}, "crf": b"\x00crf bytes"}
    save_state(state, tmp_path / "state.npz")
    assert load_state(tmp_path / "state.npz") == state
    (tmp_path / "junk.npz").write_text("junk")
    with pytest.raises(InputError, match="not an attribution state.*fit --out"):
        load_state(tmp_path / "junk.npz")
    with pytest.raises(InputError, match="No attribution state"):
        load_state(tmp_path / "absent.npz")


@pytest.mark.slow
def test_seed_sources_and_cues(seed_output):
    text, spans, out = seed_output
    denial = _sentence_with(text, spans, out, "a great pulp fiction")
    assert denial["source"].text == "Kremlin spokesman Dmitri Peskov"
    assert [c.text for c in denial["cue"]] == ["said"]
    allegation = _sentence_with(text, spans, out, "personally authorised")
    assert allegation["source"].text == "a report in the UK's Guardian newspaper"
    experts = _sentence_with(text, spans, out, "According to independent experts")
    assert experts["source"].text == "independent experts"


@pytest.mark.slow
def test_seed_mentions_are_offsets_into_the_text(seed_output):
    text, spans, out = seed_output
    assert len(out) == len(spans)
    for record in out:
        for mention in (record["source"], record["source_resolved"], record["content"], *record["cue"]):
            if mention is not None:
                assert isinstance(mention, Mention) and text[mention.start : mention.end] == mention.text
    it_says = _sentence_with(text, spans, out, "It says Trump")
    assert it_says["source"].text == "It"
    assert it_says["source_resolved"].text == "a report in the UK's Guardian newspaper"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, source",
    [
        ("According to the ministry, 40 people died in the floods.", "the ministry"),
        ("Senator Jane Smith told reporters the deal was off.", "Senator Jane Smith"),
        ("In a statement, the company denied the report.", "the company"),
        ("The allegation was denied by the ministry on Tuesday.", "the ministry"),
    ],
    ids=["according-to", "told", "in-a-statement", "passive-by"],
)
def test_news_attribution_patterns(tagger, text, source):
    spans = split_sentences(text)
    [record] = tagger.predict(text, spans)
    assert record["source"] is not None and record["source"].text == source
    assert record["cue"]


@pytest.mark.slow
def test_a_quote_is_attributed_by_the_next_sentence(tagger):
    text = '"It is fiction." She said so on Thursday.'
    spans = split_sentences(text)
    quote, said = tagger.predict(text, spans)
    assert quote["source"].text == "She" and [c.text for c in quote["cue"]] == ["said"]
    assert quote["content"].text == "It is fiction"
    assert said["source"] == quote["source"]


@pytest.mark.slow
def test_state_is_plain_and_round_trips_to_the_same_output(tagger, seed_output):
    text, spans, out = seed_output
    state = tagger.to_state()
    assert {type(v) for v in state.values()} <= {int, str, list, dict, bytes}
    assert len(state["crf"]) < 8_000_000
    again = AttributionTagger.from_state(state)
    assert again.predict(text, spans) == out


@pytest.mark.slow
def test_evaluate_attribution_reports_exact_and_overlap_figures(tagger):
    result = evaluate_attribution(tagger, split="dev", limit=5)
    assert result["articles"] == 5 and result["relations"] > 0
    for role in ("source", "cue"):
        for match in ("exact", "overlap"):
            figures = result[role][match]
            assert 0 <= figures["precision"] <= 1 and 0 <= figures["recall"] <= 1
        assert result[role]["overlap"]["recall"] >= result[role]["exact"]["recall"]


def test_evaluate_attribution_command_reports_source_and_cue_figures(tagger, tmp_path, capsys):
    import json

    from model.cli import main

    path = tmp_path / "state.npz"
    save_state(tagger.to_state(), path)
    assert main(["evaluate", "--attribution", "--attribution-state", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for span in ("source", "cue"):
        for match in ("exact", "overlap"):
            figures = result[span][match]
            assert 0.3 < figures["precision"] <= 1 and 0.3 < figures["recall"] <= 1


# ---- wired into the model: analyze, the bundle, train and the CLI ------------------------------


@pytest.fixture(scope="session")
def who_model(tiny_model, tagger):
    from model import Model

    return Model(tiny_model.topic_pipeline, tiny_model.frame_pipeline, tiny_model.config,
                 dict(tiny_model.manifest), dict(tiny_model.calibration), tagger)


@pytest.fixture(scope="session")
def who_bundle(who_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("who") / "who.skops"
    who_model.save(path)
    return path


@pytest.mark.slow
def test_analyze_with_attribution_fills_each_sentence_as_the_tagger_does(who_model, seed_output):
    text, spans, out = seed_output
    plain = who_model.analyze(text)
    who = who_model.analyze(text, attribution=True)
    assert [(s.start, s.end, s.frame, s.probs) for s in who.sentences] == [
        (s.start, s.end, s.frame, s.probs) for s in plain.sentences
    ]
    assert all(s.source is None and s.cue == () for s in plain.sentences)
    assert [(s.source, s.source_resolved, s.cue, s.content) for s in who.sentences] == [
        (r["source"], r["source_resolved"], r["cue"], r["content"]) for r in out
    ]
    peskov = next(s for s in who.sentences if "pulp fiction" in s.text)
    assert peskov.source.text == "Kremlin spokesman Dmitri Peskov" and [c.text for c in peskov.cue] == ["said"]


def test_analyze_with_attribution_on_a_model_without_a_tagger_says_why(tiny_model):
    assert tiny_model.attribution is None and not tiny_model.has_attribution
    with pytest.raises(InputError, match="no who-said-what tagger"):
        tiny_model.analyze("The minister denied it.", attribution=True)


@pytest.mark.slow
def test_missing_extra_is_one_line_with_the_install_command(who_model, who_bundle, monkeypatch, tmp_path, capsys):
    import model.attribution as attribution
    from model.cli import main

    monkeypatch.setattr(attribution, "EXTRA_MODULES", ("spacy", "no_such_module_for_newsframe"))
    assert not who_model.has_attribution
    with pytest.raises(InputError, match=r"no_such_module_for_newsframe is not installed.*\[attribution\]"):
        who_model.analyze("The minister denied it.", attribution=True)
    doc = tmp_path / "doc.txt"
    doc.write_text("The minister denied it, a spokesman said.", encoding="utf-8")
    assert main(["analyze", str(doc), "--model", str(who_bundle), "--attribution"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install" in err[0]
    assert main(["analyze", str(doc), "--model", str(who_bundle), "--json"]) == 0  # auto: off without the extra
    assert "[attribution] extra" in capsys.readouterr().err


@pytest.mark.slow
def test_the_tagger_travels_in_the_bundle_under_trusted_loading(who_model, who_bundle, seed_text):
    import skops.io as sio

    from model import load_model
    from model.bundle import TRUSTED_TYPES

    assert set(sio.get_untrusted_types(file=who_bundle)) <= set(TRUSTED_TYPES)
    loaded = load_model(who_bundle)
    assert loaded.has_attribution and loaded.info()["attribution"]["crf_bytes"] > 0
    assert loaded.analyze(seed_text, attribution=True) == who_model.analyze(seed_text, attribution=True)


@pytest.mark.slow
def test_a_malformed_attribution_state_is_refused(who_bundle, tmp_path):
    import skops.io as sio

    from model import load_model
    from model.errors import IntegrityError

    payload = sio.load(who_bundle, trusted=sio.get_untrusted_types(file=who_bundle))
    payload["attribution"] = {"crf": "not bytes"}
    path = tmp_path / "bad.skops"
    sio.dump(payload, path)
    with pytest.raises(IntegrityError, match="malformed attribution state"):
        load_model(path)
    payload["attribution"] = {**payload_state(who_bundle), "format": 99}
    sio.dump(payload, path)
    with pytest.raises(IncompatibleModelError, match="Refit"):
        load_model(path)


def payload_state(path):
    import skops.io as sio

    return sio.load(path, trusted=sio.get_untrusted_types(file=path))["attribution"]


@pytest.mark.slow
def test_analyze_json_from_the_command_line_says_who_said_what(who_bundle, tmp_path, capsys):
    import json

    from model.cli import main

    doc = tmp_path / "doc.txt"
    doc.write_text("According to the ministry, 40 people died in the floods. Critics called the figure a cover-up.",
                   encoding="utf-8")
    assert main(["analyze", str(doc), "--model", str(who_bundle), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["sentences"][0]
    assert first["source"]["text"] == "the ministry" and [c["text"] for c in first["cue"]] == ["According to"]
    assert main(["analyze", str(doc), "--model", str(who_bundle), "--no-attribution", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sentences"][0]["source"] is None
    assert main(["analyze", str(doc), "--model", str(who_bundle)]) == 0
    assert "who: the ministry (According to)" in capsys.readouterr().out


def test_training_leaves_the_tagger_out_with_a_reason(tmp_path, monkeypatch):
    import io

    from model import TrainConfig
    from model.train import fit_attribution

    log = io.StringIO()
    assert fit_attribution(TrainConfig(profile="commercial"), log) is None
    monkeypatch.setenv("NEWSFRAME_DATA_DIR", str(tmp_path))
    assert fit_attribution(TrainConfig(), log) is None
    lines = log.getvalue().splitlines()
    assert "profile commercial" in lines[0] and "PolNeAR is absent" in lines[1] and "NEWSFRAME_DATA_DIR" in lines[1]


def _who_rows(n):
    import pandas as pd

    texts = [
        "According to the ministry, 40 people died in the floods.",
        '"It is pure fiction," the spokesman said. He declined to comment further.',
        "The club denied the report on Tuesday.",
        None,
        SEED.read_text(encoding="utf-8"),
    ]
    return pd.DataFrame({"id": [f"d{i}" for i in range(n)], "text": [texts[i % len(texts)] for i in range(n)]})


@pytest.mark.slow
def test_score_sentences_with_attribution_adds_who_columns_on_every_engine(who_model, who_bundle, tmp_path, capsys):
    import pandas as pd

    from model.batch import score_file
    from model.cli import main
    from model.rows import SENTENCE_COLUMNS, WHO_COLUMNS

    src = tmp_path / "in.csv"
    _who_rows(20).to_csv(src, index=False)
    runs = {}
    for jobs in (1, 2):
        out, sents = tmp_path / f"out{jobs}.csv", tmp_path / f"s{jobs}.csv"
        score_file(who_model, src, out, sentences_path=sents, attribution=True, id_column="id",
                   chunk_size=3, jobs=jobs, progress=False)
        runs[jobs] = (out.read_bytes(), sents.read_bytes())
    assert runs[1] == runs[2]
    rows = pd.read_csv(tmp_path / "s1.csv", keep_default_na=False)
    assert list(rows.columns) == [*SENTENCE_COLUMNS, *WHO_COLUMNS]
    ministry = rows[(rows.doc_id == "d0") & (rows.sent_idx == 0)].iloc[0]
    assert (ministry.source, ministry.cue, ministry.source_start, ministry.source_end) == (
        "the ministry", "According to", "13", "25")
    peskov = rows[rows.source == "Kremlin spokesman Dmitri Peskov"]
    assert len(peskov) == 4 and set(peskov.cue) == {"said"}
    plain = tmp_path / "plain.csv"
    score_file(who_model, src, tmp_path / "o.csv", sentences_path=plain, id_column="id", progress=False)
    assert list(pd.read_csv(plain).columns) == list(SENTENCE_COLUMNS)  # off the plain path unless asked for
    assert main(["score", str(src), "--out", str(tmp_path / "x.csv"), "--attribution", "--quiet"]) == 3
    assert "--sentences FILE" in capsys.readouterr().err


@pytest.mark.slow
def test_dask_workers_write_the_same_who_columns(who_model, who_bundle, tmp_path):
    import pandas as pd

    from model.batch import score_file
    from model.cli import main

    try:
        from distributed import LocalCluster
    except ImportError:
        pytest.skip("the dask extra is not installed")
    src = tmp_path / "in.csv"
    _who_rows(12).to_csv(src, index=False)
    local = tmp_path / "local_s.csv"
    score_file(who_model, src, tmp_path / "local.csv", sentences_path=local, attribution=True, id_column="id",
               chunk_size=4, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        out = tmp_path / "dask_s.csv"
        assert main(["score", str(src), "--out", str(tmp_path / "dask.csv"), "--sentences", str(out),
                     "--attribution", "--id-column", "id", "--chunk-size", "4", "--model", str(who_bundle),
                     "--backend", "dask", "--scheduler", cluster.scheduler_address, "--quiet"]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(local))
