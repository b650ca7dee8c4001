"""newsframe web app: what an article is about, how each sentence frames its claims, and why.

Run with ``streamlit run app/app.py``. It calls only the public API of ``model``.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_view import render_batch  # noqa: E402
from components import (  # noqa: E402
    render_explanations,
    render_feedback,
    render_frames,
    render_model_card,
    render_topics,
    render_who_said_what,
    select_sentence,
)

from model import Analysis, Model, load_model  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EXAMPLES = {
    "Leaked Kremlin papers (the seed article)": "000_2cca157fc25d85ec.txt",
    "Dock strike: the operator denies the union's claims": "001_port_strike.txt",
    "Illness at a primary school: cause unknown": "002_school_illness.txt",
    "Football club losses: owner dismisses reports": "003_club_finances.txt",
    "Council bribery trial opens": "004_procurement_trial.txt",
}


@st.cache_resource(show_spinner="Loading the model…")
def get_model() -> Model:
    return load_model()


@st.cache_data(max_entries=64, show_spinner=False)
def analyze(sha256: str, text: str, attribution: bool) -> Analysis:
    return get_model().analyze(text, attribution=attribution)


def read_example(title: str) -> str:
    path = SEEDS / EXAMPLES[title]
    return path.read_text(encoding="utf-8") if path.exists() else ""


def load_example() -> None:
    st.session_state["text"] = read_example(st.session_state["example"])


def analyze_tab(model: Model) -> None:
    st.selectbox("Example", list(EXAMPLES), key="example", on_change=load_example)
    st.session_state.setdefault("text", read_example(next(iter(EXAMPLES))))
    st.text_area("Article", height=240, key="text", placeholder="Paste a news article here.")
    if st.button("Analyze", type="primary", key="analyze"):
        st.session_state["analysed"] = st.session_state["text"]
    text = st.session_state.get("analysed")
    if text is None:
        st.caption("Pasted text is analysed in memory and not stored (unless you save a correction).")
        return
    sha = model.manifest.get("sha256", "")
    analysis = analyze(sha, text, model.has_attribution)
    left, right = st.columns([1, 2], gap="large")
    with left:
        render_topics(analysis, key="topics")
    with right:
        render_frames(analysis, text, key="frames")
    if not analysis.sentences:
        return
    token = f"{zlib.crc32(text.encode('utf-8')):08x}"
    st.divider()
    render_who_said_what(analysis, available=model.has_attribution, key="who")
    st.divider()
    st.subheader("Why")
    i = select_sentence(analysis, key=f"sentence-{token}")
    render_explanations(analysis, text, sentence=i, key="why")
    st.divider()
    st.subheader("Is something wrong? Correct it")
    render_feedback(analysis, text, sentence=i, model_sha256=sha, key=f"feedback-{token}")


def main() -> None:
    st.set_page_config(page_title="newsframe", page_icon="📰", layout="wide")
    st.title("newsframe")
    st.caption("What a news text is about (IPTC topics), how each sentence frames its claims, and the words "
               "behind every answer.")
    model = get_model()
    analyze_tab_, batch_tab, model_tab = st.tabs(["Analyze", "Batch", "Model"])
    with analyze_tab_:
        analyze_tab(model)
    with batch_tab:
        render_batch(model, key="batch")
    with model_tab:
        render_model_card(model, key="model")


main()
