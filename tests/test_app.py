"""The Streamlit app, run headless through AppTest."""

import re
from pathlib import Path

import pytest

from model import FRAMES

APP = str(Path(__file__).resolve().parent.parent / "app" / "app.py")


@pytest.fixture
def app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def frames_markup(at):
    return "".join(m.value for m in at.markdown if "nf-article" in m.value)


def test_app_prefills_the_seed_and_renders_framed_sentences(app):
    assert "Peskov" in app.text_area[0].value
    app.button[0].click().run()
    assert not app.exception
    markup = frames_markup(app)
    # Each sentence element opens with its data-frame; its text runs to the next sentence element.
    spans = re.findall(r'<span class="nf-sentence" data-frame="(\w+)"[^>]*>(.*?)(?=<span class="nf-sentence"|$)', markup, re.S)
    assert len(spans) >= 15
    assert {f for f, _ in spans} <= set(FRAMES)
    peskov = [f for f, body in spans if "Peskov" in body]
    assert peskov == ["denial"]
    assert "<mark>" in markup
    assert any("Politics" in s.value for s in app.subheader)


def test_app_escapes_user_html(app):
    app.text_area[0].set_value('<script>alert(1)</script> The mayor denied "it" <img src=x onerror=alert(2)>.').run()
    app.button[0].click().run()
    markup = frames_markup(app)
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;" in markup


def test_app_survives_empty_text(app):
    app.text_area[0].set_value("").run()
    app.button[0].click().run()
    assert not app.exception
