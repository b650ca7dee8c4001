"""A cheap check that a text is English prose at all (not another language, code or a table).

English news prose is about a third function words; text in another language, source code,
tables and lists of figures have almost none, or are mostly not letters. The check only adds a
warning: the model's output is never changed by it.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+")
_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for it was on with as by at from he she they his her its be "
    "has have had are were an this which or but not will said who would been their than after".split()
)
MIN_WORDS = 8
MIN_FUNCTION_SHARE = 0.08
MIN_LETTER_SHARE = 0.6
CODE_LINE_SHARE = 0.3
_CODE_LINE = re.compile(r"[;{}():=]\s*$|^\s*(def|class|import|return|for|if|while|function|var|let|const)\b|^\s*[|+-].*[|+-]\s*$")


def out_of_domain(text: str) -> str:
    """Why ``text`` does not look like English prose ('' when it does, or is too short to tell)."""
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS:
        return ""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 3 and sum(1 for line in lines if _CODE_LINE.search(line)) / len(lines) >= CODE_LINE_SHARE:
        return "laid out like code or a table"
    visible = sum(1 for c in text if not c.isspace())
    letters = sum(len(w) for w in words)
    if visible and letters / visible < MIN_LETTER_SHARE:
        return "mostly not words (a table, code or figures?)"
    share = sum(1 for w in words if w.lower() in _FUNCTION_WORDS) / len(words)
    if share < MIN_FUNCTION_SHARE:
        return "few English function words (another language, code or a list?)"
    return ""
