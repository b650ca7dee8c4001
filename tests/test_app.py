"""The Streamlit app, run headless through AppTest: each tab, escaping, uploads and feedback."""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from model import FRAMES, TOPIC_NAMES, FeedbackStore

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app" / "app.py")
sys.path.insert(0, str(ROOT / "app"))

PROBE = '<script>alert(1)</script> The mayor denied "it" <img src=x onerror=alert(2)>.'


class SentenceSpans(HTMLParser):
    """Collects (data-frame, text) for every sentence element, the text read from inside it."""

    def __init__(self):
        super().__init__()
        self.sentences: list[tuple[str, str]] = []
        self._depth = 0
        self._frame = ""
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._depth:
            self._depth += tag == "span"
            self._skip += "nf-badge" in (attrs.get("class") or "")
        elif tag == "span" and "nf-sentence" in (attrs.get("class") or ""):
            self._depth, self._frame, self._text = 1, attrs["data-frame"], []

    def handle_endtag(self, tag):
        if self._depth and tag == "span":
            self._depth -= 1
            if self._skip:
                self._skip -= 1
            elif not self._depth:
                self.sentences.append((self._frame, "".join(self._text).strip()))

    def handle_data(self, data):
        if self._depth and not self._skip:
            self._text.append(data)


def sentences(at) -> list[tuple[str, str]]:
    """Every framed sentence the Analyze tab shows, in order, from its HTML."""
    parser = SentenceSpans()
    parser.feed(article_markup(at))
    return parser.sentences


def article_markup(at) -> str:
    return "".join(m.value for m in at.markdown if m.value.startswith('<div class="nf-article'))


@pytest.fixture
def feedback_db(tmp_path, monkeypatch):
    path = tmp_path / "feedback.sqlite3"
    monkeypatch.setenv("NEWSFRAME_FEEDBACK_DB", str(path))
    return path


@pytest.fixture
def app(feedback_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def analysed(app):
    app.button(key="analyze").click().run()
    assert not app.exception
    return app


def analyse(app, text):
    app.text_area(key="text").set_value(text).run()
    app.button(key="analyze").click().run()
    assert not app.exception
    return app


# ---- Analyze: frames ---------------------------------------------------------------------------
def test_seed_sentences_carry_their_own_frames(analysed):
    framed = sentences(analysed)
    assert len(framed) >= 15
    assert {f for f, _ in framed} <= set(FRAMES)
    assert [f for f, t in framed if "Peskov" in t] == ["denial"]
    assert [f for f, t in framed if "appear to be genuine" in t] == ["confirmation"]


def test_every_sentence_shows_a_badge_its_probability_on_hover_and_marked_evidence(analysed, model, seed_text):
    markup = article_markup(analysed)
    analysis = model.analyze(seed_text)
    assert markup.count('class="nf-sentence"') == len(analysis.sentences)
    assert markup.count('class="nf-badge"') == len(analysis.sentences)
    peskov = next(s for s in analysis.sentences if "Peskov" in s.text)
    assert f'title="denial {peskov.probs["denial"]:.0%};' in markup
    assert "<mark" in markup and "<script" not in markup


def test_legend_counts_every_frame(analysed, model, seed_text):
    counts = model.analyze(seed_text).frame_counts()
    legend = next(m.value for m in analysed.markdown if "nf-legend" in m.value)
    for frame in FRAMES:
        assert f">{frame} {counts[frame]}</span>" in legend


def test_filter_shows_only_the_chosen_frame(analysed):
    analysed.pills(key="frames-filter").set_value("denial").run()
    framed = sentences(analysed)
    assert framed and {f for f, _ in framed} == {"denial"}
    assert any("Peskov" in t for _, t in framed)
    analysed.pills(key="frames-filter").set_value("all").run()
    assert len(sentences(analysed)) > len(framed)


def test_who_said_what_table_names_the_seed_sources_and_cues(analysed):
    table = next(d.value for d in analysed.dataframe if "source" in d.value.columns)
    assert list(table.columns) == ["#", "source", "refers to", "frame", "cue", "sentence"]
    peskov = table[table.source == "Kremlin spokesman Dmitri Peskov"]
    assert list(peskov.cue) == ["said"] and list(peskov.frame) == ["denial"]
    assert "a report in the UK's Guardian newspaper" in set(table.source)
    experts = table[table.source == "independent experts"]
    assert list(experts.cue) == ["According to"] and list(experts.frame) == ["confirmation"]
    it_says = table[table.sentence.str.startswith("It says Trump")]
    assert list(it_says["refers to"]) == ["a report in the UK's Guardian newspaper"]


def test_pasted_html_is_escaped(app):
    analyse(app, PROBE)
    markup = article_markup(app)
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;" in markup and "&lt;img src=x onerror=alert(2)&gt;" in markup
    html_blocks = [m.value for m in app.markdown if m.proto.allow_html]
    assert all("<script" not in v and "<img" not in v for v in html_blocks)


def test_empty_text_is_not_an_error(app):
    analyse(app, "")
    assert any("empty" in i.value for i in app.info)


def test_results_survive_reruns_and_examples_fill_the_text_area(analysed):
    before = sentences(analysed)
    analysed.selectbox(key="example").select_index(1).run()
    assert "Port Halwick" in analysed.text_area(key="text").value
    assert sentences(analysed) == before  # still the analysed article until Analyze is clicked
    analysed.button(key="analyze").click().run()
    assert any("denied that it had reduced safety staffing" in t for _, t in sentences(analysed))


# ---- Analyze: topics ---------------------------------------------------------------------------
def test_topics_in_plain_words_with_a_chart(analysed):
    assert [s.value for s in analysed.subheader][0] == f"About: {TOPIC_NAMES['politics']}"
    assert analysed.get("vega_lite_chart")


def test_out_of_domain_text_is_flagged(app):
    analyse(app, "Die Regierung hat am Montag neue Maßnahmen beschlossen, um die Inflation zu bekämpfen "
                 "und die Wirtschaft des Landes im kommenden Jahr deutlich zu stärken.")
    assert any("Out of domain" in w.value for w in app.warning)


def test_uncertain_topic_is_flagged(app, model):
    text = "It rained. The meeting ended."
    assert model.analyze(text).uncertain
    analyse(app, text)
    assert any("Uncertain" in w.value for w in app.warning)


# ---- Analyze: why ------------------------------------------------------------------------------
def test_why_shows_the_chosen_sentences_evidence_and_the_topic_words(analysed, model, seed_text):
    analysis = model.analyze(seed_text)
    i = next(i for i, s in enumerate(analysis.sentences) if "Peskov" in s.text)
    picker = next(s for s in analysed.selectbox if s.key and s.key.startswith("sentence-"))
    picker.set_value(i).run()
    assert any(m.value.startswith(f"**Why sentence {i + 1} is denial**") for m in analysed.markdown)
    tables = [d.value for d in analysed.dataframe]
    words = list(next(t for t in tables if list(t.columns) == ["word", "weight"])["word"])
    s = analysis.sentences[i]
    assert words == [seed_text[e.start:e.end] for e in s.evidence]
    assert len(next(t for t in tables if list(t.columns) == ["word", "weight", "times"])) > 0
    assert any(m.value.startswith("Sentences that pushed it most") for m in analysed.markdown)


# ---- Batch -------------------------------------------------------------------------------------
def batch_upload(app, name: str, data: bytes, mime: str = "text/csv"):
    app.file_uploader(key="batch-file").set_value((name, data, mime)).run()
    assert not app.exception
    return app


def test_batch_scores_an_upload_and_offers_the_download(app, seed_text):
    import pandas as pd

    rows = pd.DataFrame({"id": ["a", "b", "c"], "body": [seed_text, "", "The club denied the report."]})
    batch_upload(app, "news.csv", rows.to_csv(index=False).encode())
    assert app.selectbox(key="batch-column").value == "body"
    app.button(key="batch-score").click().run()
    assert not app.exception
    scored = next(d.value for d in app.dataframe if "topic_prob" in d.value.columns)
    assert list(scored["id"]) == ["a", "b", "c"]
    assert list(scored["topic"])[0] == "politics"
    assert list(scored["error"])[1] == "blank text"
    assert any("Scored 3 rows" in s.value for s in app.success)
    assert app.get("download_button")


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("bad.csv", b"text\n\xff\xfe not utf-8\n", "not UTF-8"),
        ("bad.jsonl", b'{"text": "fine"}\nnot json at all\n', "cannot be read as JSONL"),
        ("empty.csv", b"", "empty"),
        ("header.csv", b"text\n", "no rows"),
        ("scored.csv", b"text,topic\nhello,sport\n", "already has result column"),
    ],
)
def test_a_bad_upload_gives_a_message_not_an_exception(app, name, data, message):
    batch_upload(app, name, data)
    assert any(message in e.value for e in app.error), [e.value for e in app.error]


def test_upload_limits_are_enforced():
    import batch_view

    with pytest.raises(ValueError, match="MB limit"):
        batch_view.read_upload("big.csv", b"text\n" + b"x" * (batch_view.MAX_MB * 1024 * 1024))
    too_many = b"text\n" + b"a line\n" * (batch_view.MAX_ROWS + 1)
    with pytest.raises(ValueError, match="row limit"):
        batch_view.read_upload("long.csv", too_many)
    with pytest.raises(ValueError, match=".csv or .jsonl"):
        batch_view.read_upload("notes.txt", b"text\nhello\n")


# ---- Model -------------------------------------------------------------------------------------
def test_model_tab_shows_the_card(app, model):
    card = "".join(m.value for m in app.markdown)
    assert model.manifest["sha256"] in card
    for part in ("Labels", "Training data and its terms", "Metrics", "versions"):
        assert part in card


# ---- Feedback ----------------------------------------------------------------------------------
def correct_peskov(app, model, seed_text, corrected="speculation"):
    analysis = model.analyze(seed_text)
    i = next(i for i, s in enumerate(analysis.sentences) if "Peskov" in s.text)
    next(s for s in app.selectbox if s.key and s.key.startswith("sentence-")).set_value(i).run()
    next(s for s in app.selectbox if s.key and s.key.startswith("feedback-") and "frame" in s.key).set_value(
        corrected).run()
    app.button(key=next(b.key for b in app.button if b.key.endswith("save-frame"))).click().run()
    assert not app.exception
    return analysis.sentences[i]


def test_the_app_says_when_text_is_stored(analysed, feedback_db):
    notes = " ".join(c.value for c in analysed.caption)
    assert "not kept" in notes and "stored only when you save a correction" in notes
    assert str(feedback_db) in notes
    assert not feedback_db.exists()


def test_a_frame_correction_lands_in_the_database(analysed, model, seed_text, feedback_db):
    s = correct_peskov(analysed, model, seed_text)
    assert any("Saved" in m.value for m in analysed.success)
    [record] = FeedbackStore(feedback_db).records()
    assert record["text"] == s.text
    assert (record["kind"], record["predicted"], record["corrected"]) == ("frame", "denial", "speculation")
    assert record["model_sha256"] == model.manifest["sha256"]


def test_a_topic_correction_stores_the_article(analysed, seed_text, feedback_db):
    next(s for s in analysed.selectbox if s.key and s.key.endswith("-topic")).set_value("crime_law_justice").run()
    analysed.button(key=next(b.key for b in analysed.button if b.key.endswith("save-topic"))).click().run()
    [record] = FeedbackStore(feedback_db).records()
    assert (record["kind"], record["predicted"], record["corrected"]) == ("topic", "politics", "crime_law_justice")
    assert record["text"] == seed_text


def test_train_with_the_apps_correction_flips_that_sentence(analysed, model, seed_text, feedback_db, tmp_path,
                                                            tiny_model):
    from conftest import TINY_FRAMES, TINY_TOPICS

    from model import load_model
    from model.cli import main

    s = correct_peskov(analysed, model, seed_text, corrected="speculation")
    export = tmp_path / "fb.jsonl"
    assert main(["feedback", "--db", str(feedback_db), "export", "--out", str(export)]) == 0
    assert json.loads(export.read_text().splitlines()[0])["corrected"] == "speculation"

    for name, rows in (("topics", TINY_TOPICS), ("frames", TINY_FRAMES)):
        (tmp_path / f"{name}.csv").write_text(
            "text,label\n" + "".join(f'"{t.replace(chr(34), chr(34) * 2)}",{label}\n' for t, label in rows)
        )
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"topic_n_features": 4096, "frame_n_features": 4096, "topic_C": 50.0,
                                  "frame_C": 50.0}))  # as conftest's tiny_model
    common = ["train", "--no-team-data", "--no-attribution", "--config", str(config),
              "--topics", str(tmp_path / "topics.csv"), "--frames", str(tmp_path / "frames.csv")]
    assert tiny_model.predict_frames([s.text]) != ["speculation"]  # the same data and config, no feedback
    assert main([*common, "--feedback", str(export), "--out", str(tmp_path / "fb.skops")]) == 0
    assert load_model(tmp_path / "fb.skops").predict_frames([s.text]) == ["speculation"]


# ---- Hygiene -----------------------------------------------------------------------------------
def test_the_app_imports_only_the_public_api():
    import ast

    import model

    for path in (ROOT / "app").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "model":
                assert node.module == "model", f"{path.name} imports {node.module}"
                assert {a.name for a in node.names} <= set(model.__all__), path.name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("model.") for a in node.names), path.name


def test_streamlit_config_turns_usage_statistics_off():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    import batch_view

    assert config["server"]["maxUploadSize"] == batch_view.MAX_MB
