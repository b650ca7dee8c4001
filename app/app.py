"""newsframe web app: paste an article, see its topics, each sentence's frame and why."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from components import render_explanations, render_frames, render_topics  # noqa: E402

from model import TOPIC_NAMES, load_model  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_2cca157fc25d85ec.txt"


@st.cache_resource
def get_model():
    return load_model()


def main() -> None:
    st.set_page_config(page_title="newsframe", layout="wide")
    st.title("newsframe")
    st.caption("What a news text is about, and how each sentence frames its claims. Text is analysed in memory and not stored.")
    default = SEED.read_text(encoding="utf-8") if SEED.exists() else ""
    text = st.text_area("Article", value=default, height=260, key="text")
    if st.button("Analyze", type="primary", key="analyze"):
        st.session_state["analysis"] = (text, get_model().analyze(text))
    if "analysis" not in st.session_state:
        return
    analysed_text, analysis = st.session_state["analysis"]
    left, right = st.columns([1, 2])
    with left:
        render_topics(analysis, names=TOPIC_NAMES)
    with right:
        render_frames(analysis, analysed_text)
    render_explanations(analysis, analysed_text)


main()
