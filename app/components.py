"""One render function per part of an ``Analysis``; all keyword-only with a ``key``."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict

import pandas as pd
import streamlit as st
from charts import hbar
from markup import STYLE, frames_html, legend_html, sentence_html

from model import FRAME_DEFINITIONS, FRAMES, TOPIC_DEFINITIONS, TOPIC_NAMES, TOPICS, Analysis, FeedbackStore, Model

ALL = "all"
TOP_TOPICS = 5


def render_topics(analysis: Analysis, *, key: str = "topics") -> None:
    """The top topic in plain words, a bar chart of the leading topics, and any warnings."""
    top = analysis.topics[0]
    st.subheader(f"About: {TOPIC_NAMES[top.label]}")
    st.caption(f"{top.probability:.0%} · IPTC `{top.label}`: {TOPIC_DEFINITIONS[top.label]}")
    if analysis.uncertain:
        st.warning("Uncertain: no topic is clearly ahead, so read the leading topics together.", icon="⚖️")
    if analysis.also:
        st.info("Also about: " + ", ".join(f"{TOPIC_NAMES[t.label]} ({t.probability:.0%})" for t in analysis.also))
    for warning in analysis.warnings:
        st.warning(warning, icon="⚠️")
    leading = analysis.topics[:TOP_TOPICS]
    chart = pd.DataFrame({"topic": [TOPIC_NAMES[t.label] for t in leading],
                          "probability": [t.probability for t in leading]})
    st.altair_chart(hbar(chart, label="topic", value="probability", number_format=".0%", domain=(0, 1)),
                    key=f"{key}-chart")


def render_frames(analysis: Analysis, text: str, *, key: str = "frames") -> None:
    """The article with every sentence tinted and badged by frame, a legend with counts, a filter."""
    counts = analysis.frame_counts()
    st.subheader("How each sentence frames its claim")
    st.markdown(STYLE + legend_html(counts), unsafe_allow_html=True)
    if not analysis.sentences:
        st.info("No sentences to show: the text is empty.")
        return
    choice = st.pills(
        "Show", [ALL, *FRAMES], default=ALL, key=f"{key}-filter",
        format_func=lambda f: f"all {len(analysis.sentences)}" if f == ALL else f"{f} {counts[f]}",
        help="Pick a frame to list only its sentences, numbered as in the article.",
    )
    st.caption("Underlined words pushed a sentence to its frame most (Why, below, lists them all with weights); "
               "hover a sentence for its frame probabilities.")
    only = None if choice in (None, ALL) else choice
    if only is not None and counts[only] == 0:
        st.info(f"No sentence is framed as {only}.")
        return
    st.markdown(frames_html(analysis, text, only=only), unsafe_allow_html=True)


def render_who_said_what(analysis: Analysis, *, available: bool, key: str = "who") -> None:
    """A table of the attributed sentences: who (as written, and whom a pronoun means), the frame, the cue."""
    st.subheader("Who said what")
    if not available:
        st.caption("Not available with this install: the model needs its who-said-what tagger and the "
                   "`[attribution]` extra (`pip install -c constraints.txt -e '.[attribution]'`).")
        return
    rows = [
        {
            "#": i + 1,
            "source": _line(s.source.text) if s.source else "",
            "refers to": _line(s.source_resolved.text) if s.source_resolved else "",
            "frame": s.frame,
            "cue": " … ".join(_line(c.text) for c in s.cue),
            "sentence": _line(s.text),
        }
        for i, s in enumerate(analysis.sentences)
        if s.source is not None or s.cue
    ]
    if not rows:
        st.info("No sentence attributes its claim to anyone.")
        return
    st.caption("Each claim's source as written in the text, the earlier name a pronoun or \"the spokesman\" "
               "refers to, and the reporting words (cue); numbered as in the article.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"{key}-table",
                 column_config={"sentence": st.column_config.TextColumn(width="large")})


def select_sentence(analysis: Analysis, *, key: str = "sentence") -> int:
    """A sentence picker (the first non-neutral sentence first); returns the chosen index."""
    labels = [f"{i + 1}. [{s.frame}] {' '.join(s.text.split())[:90]}" for i, s in enumerate(analysis.sentences)]
    first = next((i for i, s in enumerate(analysis.sentences) if s.frame != "neutral"), 0)
    return st.selectbox("Sentence", range(len(labels)), index=first, format_func=labels.__getitem__, key=key)


def render_explanations(analysis: Analysis, text: str, *, sentence: int, key: str = "why") -> None:
    """Why: the chosen sentence's evidence words and weights; the topic's words and sentences."""
    s = analysis.sentences[sentence]
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(f"**Why sentence {sentence + 1} is {s.frame}** ({s.probs[s.frame]:.0%})")
        st.markdown(STYLE + f'<div class="nf-why">{sentence_html(s, text)}</div>', unsafe_allow_html=True)
        st.caption(f"{s.frame}: {FRAME_DEFINITIONS[s.frame]}")
        words = pd.DataFrame(
            {"word": [text[e.start:e.end] for e in s.evidence], "weight": [e.weight for e in s.evidence]}
        )
        if words.empty:
            st.caption("No single word pushed this sentence towards its frame; the model's prior did.")
        else:
            st.dataframe(words, hide_index=True, key=f"{key}-frame-words",
                         column_config={"weight": st.column_config.NumberColumn(format="%+.2f")})
        probs = pd.DataFrame({"frame": list(FRAMES), "probability": [round(s.probs[f], 4) for f in FRAMES]})
        st.dataframe(probs, hide_index=True, key=f"{key}-frame-probs",
                     column_config={"probability": st.column_config.ProgressColumn(format="percent", min_value=0.0,
                                                                                  max_value=1.0)})
    with right:
        label = analysis.topic
        st.markdown(f"**Why the topic is {TOPIC_NAMES[label]}**")
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        for e in analysis.topic_evidence:
            entry = totals[text[e.start:e.end].lower()]
            entry[0] += e.weight
            entry[1] += 1
        words = pd.DataFrame(
            [(w, round(t, 4), n) for w, (t, n) in sorted(totals.items(), key=lambda kv: -kv[1][0])],
            columns=["word", "weight", "times"],
        )
        st.dataframe(words.head(10), hide_index=True, key=f"{key}-topic-words",
                     column_config={"weight": st.column_config.NumberColumn(format="%+.3f")})
        ranked = sorted(range(len(analysis.sentences)), key=lambda i: -analysis.sentences[i].topic_weight)[:3]
        st.markdown("Sentences that pushed it most:")
        for i in ranked:
            t = analysis.sentences[i]
            st.markdown(f"{i + 1}. {_plain(t.text)} `{t.topic_weight:+.2f}`")
    st.caption(
        "Weights are exact: each is the word's feature value times the label's coefficient (log-odds), "
        "so a sentence's words plus the model's intercept add up to the score behind its probability. The topic "
        "is the mean of the sentences' probabilities, so each sentence's words count by its share of that mean."
    )


def render_feedback(
    analysis: Analysis, text: str, *, sentence: int, model_sha256: str, key: str = "feedback"
) -> None:
    """'This is wrong' for the chosen sentence's frame and for the topic; saved to the local store."""
    store = FeedbackStore()
    st.caption(
        "Pasted text is analysed in memory and not kept. It is stored only when you save a correction: "
        "the sentence (for a frame) or the whole article (for a topic), with both labels and the model's hash, "
        f"in a database on this machine (`{store.path}`). `python -m model feedback purge` deletes them all."
    )
    s = analysis.sentences[sentence]
    left, right = st.columns(2, gap="large")
    with left:
        frame = st.selectbox(f"Sentence {sentence + 1} should be", FRAMES, index=FRAMES.index(s.frame),
                             key=f"{key}-frame-{sentence}")
        if st.button("Save frame correction", key=f"{key}-save-frame", disabled=frame == s.frame):
            _save(store, s.text, "frame", s.frame, frame, model_sha256)
    with right:
        topic = st.selectbox("The topic should be", TOPICS, index=TOPICS.index(analysis.topic),
                             format_func=TOPIC_NAMES.__getitem__, key=f"{key}-topic")
        if st.button("Save topic correction", key=f"{key}-save-topic", disabled=topic == analysis.topic):
            _save(store, text, "topic", analysis.topic, topic, model_sha256)


def _save(store: FeedbackStore, text: str, kind: str, predicted: str, corrected: str, sha: str) -> None:
    try:
        store.add(text, kind=kind, predicted=predicted, corrected=corrected, model_sha256=sha)
    except (OSError, ValueError, sqlite3.Error) as e:
        st.error(f"Could not save the correction: {e}")
        return
    st.success(f"Saved: {kind} {predicted} → {corrected}. Train with it: `python -m model feedback export "
               "--out fb.jsonl` then `python -m model train --feedback fb.jsonl --out my.skops`.")


def _line(text: str) -> str:
    """A span on one line (a table cell): runs of whitespace become one space."""
    return " ".join(text.split())


def _plain(text: str) -> str:
    """A sentence for Markdown: one line, Markdown's special characters escaped."""
    line = _line(text)
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~$" else c for c in line)


def render_model_card(model: Model, *, key: str = "model") -> None:
    """The Model tab: the model card (labels, training data and terms, metrics, versions, hash)."""
    st.markdown(re.sub(r"^(#{1,4}) ", r"##\1 ", model.model_card(), flags=re.M))
    with st.expander("What each topic covers"):
        st.dataframe(
            pd.DataFrame(
                {"topic": [TOPIC_NAMES[t] for t in TOPICS], "label": list(TOPICS),
                 "covers": [TOPIC_DEFINITIONS[t] for t in TOPICS]}
            ),
            hide_index=True, key=f"{key}-topics",
        )
