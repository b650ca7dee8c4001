"""One render function per part of an ``Analysis``; all user text is HTML-escaped here."""

from __future__ import annotations

import html

import streamlit as st

from model import FRAMES, Analysis

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
FRAME_COLOURS = {
    "allegation": "#E69F00",
    "denial": "#D55E00",
    "confirmation": "#009E73",
    "speculation": "#56B4E9",
    "neutral": "#DDDDDD",
}


def frames_html(analysis: Analysis, text: str) -> str:
    """The article as HTML: each sentence in a ``<span data-frame=...>`` with its evidence marked."""
    parts, cursor = [], 0
    for s in analysis.sentences:
        parts.append(html.escape(text[cursor:s.start]).replace("\n", "<br>"))
        marks = sorted((e.start, e.end) for e in s.evidence) if s.frame != "neutral" else []
        inner, pos = [], s.start
        for start, end in marks:
            if start < pos:
                continue
            inner.append(html.escape(text[pos:start]))
            inner.append(f"<mark>{html.escape(text[start:end])}</mark>")
            pos = end
        inner.append(html.escape(text[pos:s.end]))
        title = html.escape(f"{s.frame} {s.probs[s.frame]:.2f}", quote=True)
        colour = FRAME_COLOURS[s.frame]
        parts.append(
            f'<span class="nf-sentence" data-frame="{s.frame}" title="{title}" '
            f'style="background:{colour}33;border-bottom:3px solid {colour};padding:1px 2px">'
            f'<small style="font-weight:600;color:#333">[{s.frame}]</small> {"".join(inner)}</span>'
        )
        cursor = s.end
    parts.append(html.escape(text[cursor:]).replace("\n", "<br>"))
    return '<div class="nf-article" style="line-height:1.9">' + "".join(parts) + "</div>"


def legend_html() -> str:
    return " ".join(
        f'<span style="background:{c}33;border-bottom:3px solid {c};padding:1px 6px">{f}</span>'
        for f, c in FRAME_COLOURS.items()
    )


def render_topics(analysis: Analysis, *, names: dict[str, str], key: str = "topics") -> None:
    import pandas as pd

    top = analysis.topics[:5]
    st.subheader(f"Topic: {names[analysis.topic]}")
    if analysis.uncertain:
        st.warning("Uncertain: no topic is clearly ahead.")
    if analysis.also:
        st.caption("Also about: " + ", ".join(f"{names[t.label]} ({t.probability:.0%})" for t in analysis.also))
    for w in analysis.warnings:
        st.warning(w)
    chart = pd.DataFrame({"topic": [names[t.label] for t in top], "probability": [t.probability for t in top]})
    st.bar_chart(chart, x="topic", y="probability", horizontal=True)


def render_frames(analysis: Analysis, text: str, *, key: str = "frames") -> None:
    counts = analysis.frame_counts()
    st.subheader("How each sentence frames its claim")
    st.markdown(legend_html(), unsafe_allow_html=True)
    st.caption(" · ".join(f"{f}: {counts[f]}" for f in FRAMES))
    st.markdown(frames_html(analysis, text), unsafe_allow_html=True)


def render_explanations(analysis: Analysis, text: str, *, key: str = "why") -> None:
    st.subheader("Why")
    words = ", ".join(f"{text[s.start:s.end]} ({s.weight:+.2f})" for s in analysis.topic_evidence[:10])
    st.markdown(f"**Topic evidence:** {html.escape(words) or 'none'}")
    if not analysis.sentences:
        return
    labels = [f"{i + 1}. [{s.frame}] {s.text[:80]}" for i, s in enumerate(analysis.sentences)]
    i = st.selectbox("Sentence", range(len(labels)), format_func=labels.__getitem__, key=key)
    s = analysis.sentences[i]
    st.write({f: round(p, 3) for f, p in s.probs.items()})
    st.markdown(
        "**Evidence for " + s.frame + ":** "
        + html.escape(", ".join(f"{text[e.start:e.end]} ({e.weight:+.2f})" for e in s.evidence) or "none")
    )
