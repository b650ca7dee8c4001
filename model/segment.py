"""Sentence segmentation that returns character offsets into the caller's exact text.

Blingfire does the sentence splitting: measured on news text it is about 15x faster than
syntok (bench/segmenters.py) and handles abbreviations, initials and decimals. Line breaks are
hard boundaries first, because headlines, captions and datelines carry no final punctuation.
"""

from __future__ import annotations

import re

import blingfire

_LINE = re.compile(r"[^\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")
# Characters blingfire cannot take (lone surrogates cannot be UTF-8 encoded; NUL ends C strings)
# are swapped one-for-one, so offsets into the original text stay valid.
_UNSAFE = re.compile(r"[\ud800-\udfff\x00]")
_WORD = re.compile(r"\w")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of each sentence; ``text[start:end]`` has no outer whitespace.

    Stretches with no word character at all (rules, emoji rows, zero-width junk) are not sentences.
    """
    safe = _UNSAFE.sub(" ", text)
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(safe):
        chunk = line.group()
        if not chunk.strip():
            continue
        base = line.start()
        _, offsets = blingfire.text_to_sentences_and_offsets(chunk)
        for start, end in offsets:
            start, end = _trim(chunk, start, end)
            if end > start and _WORD.search(chunk, start, end):
                spans.append((base + start, base + end))
    return spans


def _trim(chunk: str, start: int, end: int) -> tuple[int, int]:
    while start < end and chunk[start].isspace():
        start += 1
    while end > start and chunk[end - 1].isspace():
        end -= 1
    return start, end
