"""HTML for the framed article. Every piece of user text is escaped here, before it is wrapped."""

from __future__ import annotations

from html import escape

from model import FRAME_DEFINITIONS, FRAMES, Analysis, SentenceFrame, Span

# Okabe-Ito colours: told apart under the common colour-vision deficiencies; each sentence
# also carries its frame as a text badge, so colour is never the only cue.
FRAME_COLOURS = {
    "allegation": "#E69F00",
    "denial": "#D55E00",
    "confirmation": "#009E73",
    "speculation": "#0072B2",
    "neutral": "#CCCCCC",
}
BADGE_TEXT = {"allegation": "#000", "neutral": "#444"}
# In running text, mark a sentence's strongest evidence spans only (the Why section lists all).
MARKS_PER_SENTENCE = 3
MARK_SHARE = 0.25

STYLE = """<style>
.nf-article,.nf-why{line-height:1.95;font-size:1rem}
.nf-sentence{padding:2px 3px;border-radius:3px;box-decoration-break:clone;-webkit-box-decoration-break:clone}
.nf-badge{display:inline-block;font-size:.68rem;font-weight:700;letter-spacing:.02em;
  border-radius:3px;padding:0 4px;margin-right:4px;line-height:1.4;vertical-align:1px}
.nf-sentence mark{background:transparent;color:inherit;font-weight:700;text-decoration:underline;
  text-decoration-thickness:2px;text-underline-offset:3px;padding:0}
.nf-legend span.nf-badge{font-size:.8rem;padding:1px 6px}
.nf-list p{margin:0 0 .6rem 0}
</style>"""


def probs_title(s: SentenceFrame) -> str:
    """The hover text of one sentence: its frame's probability first, then the others."""
    rest = sorted((f for f in FRAMES if f != s.frame), key=lambda f: -s.probs[f])
    return f"{s.frame} {s.probs[s.frame]:.0%}; " + ", ".join(f"{f} {s.probs[f]:.0%}" for f in rest)


def badge(frame: str, text: str | None = None) -> str:
    ink = BADGE_TEXT.get(frame, "#fff")
    return f'<span class="nf-badge" style="background:{FRAME_COLOURS[frame]};color:{ink}">{escape(text or frame)}</span>'


def marked_evidence(s: SentenceFrame) -> list[Span]:
    """The evidence worth marking in running text: the strongest few spans, none for neutral."""
    if s.frame == "neutral" or not s.evidence:
        return []
    floor = MARK_SHARE * s.evidence[0].weight
    return [e for e in s.evidence[:MARKS_PER_SENTENCE] if e.weight >= floor]


def sentence_html(s: SentenceFrame, text: str) -> str:
    """One sentence in a ``<span data-frame=...>``, tinted by frame, evidence words marked."""
    marks = sorted(marked_evidence(s))
    inner, pos = [], s.start
    for e in marks:
        if e.start < pos:
            continue
        inner.append(escape(text[pos:e.start]))
        inner.append(f'<mark title="{e.weight:+.2f} towards {s.frame}">{escape(text[e.start:e.end])}</mark>')
        pos = e.end
    inner.append(escape(text[pos:s.end]))
    colour = FRAME_COLOURS[s.frame]
    style = "" if s.frame == "neutral" else f' style="background:{colour}26;border-bottom:2px solid {colour}"'
    return (
        f'<span class="nf-sentence" data-frame="{s.frame}" title="{escape(probs_title(s))}"{style}>'
        f'{badge(s.frame)}{"".join(inner)}</span>'
    )


def gap_html(text: str) -> str:
    """Text between sentences (spaces, line breaks), escaped, with paragraph breaks kept."""
    return escape(text).replace("\n", "<br>")


def frames_html(analysis: Analysis, text: str, only: str | None = None) -> str:
    """The article as HTML; with ``only`` a frame label, just that frame's sentences, numbered."""
    if only is not None:
        rows = [
            f"<p><small>{i + 1}.</small> {sentence_html(s, text)}</p>"
            for i, s in enumerate(analysis.sentences)
            if s.frame == only
        ]
        return '<div class="nf-article nf-list">' + "".join(rows) + "</div>"
    parts, cursor = [], 0
    for s in analysis.sentences:
        parts.append(gap_html(text[cursor:s.start]))
        parts.append(sentence_html(s, text))
        cursor = s.end
    parts.append(gap_html(text[cursor:]))
    return '<div class="nf-article">' + "".join(parts) + "</div>"


def legend_html(counts: dict[str, int]) -> str:
    """Every frame's badge with its count, its meaning on hover."""
    return '<div class="nf-legend">' + " ".join(
        f'<span title="{escape(FRAME_DEFINITIONS[f])}">{badge(f, f"{f} {counts[f]}")}</span>' for f in FRAMES
    ) + "</div>"
