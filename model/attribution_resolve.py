"""Who "he", "they" or "the spokesman" is: the named mention earlier in the article it refers to.

A deliberately small resolver, because a blank spaCy pipeline has no parser, tagger or
coreference model. Only sources that are pronouns or definite descriptions without a name are
resolved, and only to a *named* mention that comes before them. A word counts as a name when
it is capitalised, is not an English stop word (spaCy's list) and never occurs in lower case
in the article: a sentence-initial "There" is no name, nor "Officials" where the article also
writes "officials", but "Kremlin" is. Then:

- "he"/"she": the latest named source within ``WINDOW`` sentences that is not a document or
  an organisation noun ("a report in the Guardian" cannot be "he"), else the latest full name
  (two or more name words, "Vladimir Putin") in this or the previous sentence;
- "who": the name just before it in its sentence ("Trump, who is described as ...");
- "they"/"it": the latest named source within ``WINDOW`` sentences;
- "the spokesman", "the report": the latest named source containing the same head noun
  ("Kremlin spokesman Dmitri Peskov", "a report in the UK's Guardian newspaper").

Anything else stays unresolved (None): a wrong name is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Part = tuple[int, int]

WINDOW = 5
_WORD = re.compile(r"[\w’'-]+")
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "them", "it"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_NOT_NAMES = frozenset({"according", "mr", "mrs", "ms", "dr"})  # capitalised, but no name alone
_NON_PERSON = frozenset(
    """report reports paper papers newspaper document documents statement poll polls survey study
    memo letter campaign ministry department agency agencies committee government office times post
    journal news network council party administration court""".split()
)
_PREPOSITIONS = frozenset({"of", "in", "for", "at", "from", "on", "with"})
_NAME_RUN = re.compile(r"\b(?:[A-Z][\w’'-]+ ){0,3}[A-Z][\w’'-]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


class _Names:
    """Decides which capitalised words are names in one article."""

    def __init__(self, text: str):
        from spacy.lang.en.stop_words import STOP_WORDS

        self._common = {w for w in _words(text) if w.islower()} | STOP_WORDS | _NOT_NAMES

    def is_name(self, word: str) -> bool:
        return word[:1].isupper() and word.lower() not in self._common


def _head(words: list[str]) -> str:
    """The head noun of a description: the last word before its first preposition."""
    for i, w in enumerate(words[1:], start=1):
        if w.lower() in _PREPOSITIONS:
            return words[i - 1].lower()
    return words[-1].lower()


def resolve(
    text: str,
    mentions: Sequence[tuple[int, Part]],
    sentence_spans: Sequence[Part],
) -> dict[Part, Part | None]:
    """Resolve each referring source mention to an earlier named mention.

    Parameters
    ----------
    text : str
        The article.
    mentions : sequence of (sentence index, (start, end))
        Every source mention found, in article order.
    sentence_spans : sequence of (start, end)
        The article's sentences, to bound the look-back.

    Returns
    -------
    dict
        ``{mention part: antecedent part or None}`` for every mention given; named mentions
        map to None (they need no resolving).
    """
    names = _Names(text)
    out: dict[Part, Part | None] = {}
    named: list[tuple[int, Part, set[str]]] = []  # sentence, span, its lower-cased words
    for sent, part in mentions:
        words = _words(text[part[0] : part[1]])
        out[part] = None
        if not words:
            continue
        if any(names.is_name(w) for w in words):
            named.append((sent, part, {w.lower() for w in words}))
            continue
        first = words[0].lower()
        earlier = [(s, p, ws) for s, p, ws in named if p[1] <= part[0]]
        near = [(p, ws) for s, p, ws in earlier if sent - s <= WINDOW]
        if len(words) == 1 and first in _PERSON_PRONOUNS:
            people = [p for p, ws in near if not ws & _NON_PERSON]
            out[part] = people[-1] if people else _name_before(text, part, sent, sentence_spans, names)
        elif len(words) == 1 and first == "who":
            out[part] = _name_before(text, part, sent, sentence_spans, names, min_words=1, same_sentence=True)
        elif len(words) == 1 and first in _GROUP_PRONOUNS:
            out[part] = near[-1][0] if near else None
        elif first in _DEFINITE and len(words) > 1:
            head = _head(words)
            same = [p for s, p, ws in earlier if head in ws]
            out[part] = same[-1] if same else None
    return out


def _name_before(
    text: str,
    part: Part,
    sent: int,
    sentence_spans: Sequence[Part],
    names: _Names,
    min_words: int = 2,
    same_sentence: bool = False,
) -> Part | None:
    """The latest run of ``min_words`` or more name words before ``part``, in its sentence or
    (unless ``same_sentence``) the previous one."""
    first = sent if same_sentence else max(sent - 1, 0)
    start = sentence_spans[first][0] if sentence_spans else 0
    found = None
    for m in _NAME_RUN.finditer(text, start, part[0]):
        words = list(_WORD.finditer(m.group()))
        while words and not names.is_name(words[0].group()):
            words.pop(0)
        if len(words) >= min_words:
            found = (m.start() + words[0].start(), m.end())
    return found
