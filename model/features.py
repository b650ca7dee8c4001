"""Text features with their character spans, so every model input maps back to the user's text.

A ``Featurizer`` is the analyzer of the hashing vectorizers: ``featurizer(text)`` gives the
feature names scikit-learn hashes, and ``featurizer.spans(text)`` gives the same features, each
with the token spans it came from. Cue features (negation scope, a hedge word shortly after a
directive, question, opening quote, sentence-initial word) are ordinary features here, so the
model weighs them and the explanations stay exact.

Two paths compute the same features: ``spans`` walks the tokens one by one and keeps offsets
(for explanations); ``names`` works on ``tokenize``'s cached token records in bulk (for batch
scoring and training), and its output is the same multiset of names, grouped by kind, which is
all hashing sees. ``tokenize`` runs once per sentence however many heads read it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

from .cues import cue_class

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[?\"“”‘’«»:;!]")
# Characters that are or begin a token (a lone "'" is neither), and those that join word tokens.
_TOKEN_CHAR = re.compile(r"[\w?\"“”‘’«»:;!]")
_JOINER = re.compile(r"[\w'’]")
_DIGIT = re.compile(r"\d")
_QUOTES = {'"': '"', "“": '"', "”": '"', "«": '"', "»": '"', "‘": "'", "’": "'"}
_NEGATIONS = frozenset(
    {"not", "no", "never", "nor", "without", "neither", "nothing", "nobody", "none", "cannot"}
)
_NEG_SCOPE = 3
# A hedge word this close after a directive ("agreed that ... would", "urged ... every possible")
# is usually part of the plan being reported, not the writer's doubt; the model weighs it apart.
_PLAN_SCOPE = 8
# Function words whose frequency differs by register (headlines drop articles), not by frame:
# as features on their own they teach the model where a sentence came from, not what it says.
_STOP = frozenset(
    "the a an of in on at to for and or by with from as its his her their this that these those "
    "it he she they we i you was were is are be been has have had".split()
)
# First words that open questions and conditionals: the only sentence-initial cue kept.
_OPENERS = frozenset(
    "if unless whether will would could should can may might is are was were did does do has have "
    "why how what when where who which".split()
)
_STEMMER = snowballstemmer.stemmer("english")

Part = tuple[int, int]
Occurrence = tuple[str, tuple[Part, ...]]


@lru_cache(maxsize=500_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


CUE_PREFIXES = ("lex:", "neg:", "cue:", "first:", "plan:")


def is_cue(name: str) -> bool:
    """Whether a feature name is a cue feature (its own block in ``SentenceVectorizer``)."""
    return name.startswith(CUE_PREFIXES)


def _is_negation(word: str) -> bool:
    return word in _NEGATIONS or word.endswith("n't") or word.endswith("n’t")


class Token(NamedTuple):
    """Everything the features need from one token, worked out once per distinct token text."""

    word: str
    """Lower-cased and digit-folded; punctuation with its quotes unified."""
    is_word: bool
    """A word token (punctuation tokens only count for featurizers with ``cues``)."""
    unigram: str | None
    """Its ``w:`` feature; None for function words."""
    content: bool
    """Not a function word nor punctuation: n-grams need one, and only these get stems."""
    stem: str | None
    """Its ``s:`` feature; None unless a content word whose stem differs from it."""
    lex: str | None
    """Its ``lex:`` cue feature (a lexicon class of its stem), or None."""
    neg_lex: str | None
    """Its ``neg:lex:`` feature inside a negation's scope, or None."""
    neg: str | None
    """Its ``neg:`` feature inside a negation's scope; None unless it starts with a letter."""
    negation: bool
    """Opens a negation scope."""


_TOKENS: dict[str, Token] = {}
# Distinct token texts kept (about 400 bytes each); past this the cache starts over, so memory
# stays flat over any number of rows while a batch's common words are looked up, not worked out.
_TOKENS_MAX = 50_000


def _token(text: str) -> Token:
    """The ``Token`` of one token text, worked out on first sight."""
    tok = _TOKENS.get(text)
    if tok is None:
        if len(_TOKENS) >= _TOKENS_MAX:
            _TOKENS.clear()
        tok = _TOKENS[text] = _describe(text)
    return tok


def _describe(text: str) -> Token:
    """What ``tokens``, ``spans`` and ``_cue_features`` make of this token text."""
    is_word = text[0].isalnum() or text[0] == "_"
    word = _DIGIT.sub("0", text.lower()) if is_word else _QUOTES.get(text, text)
    content = word not in _STOP and word[0].isalnum()
    stem = _stem(word) if content else word
    alpha = word[0].isalpha()
    cls = cue_class(_stem(word)) if alpha else None
    return Token(
        word=word,
        is_word=is_word,
        unigram=None if word in _STOP else "w:" + word,
        content=content,
        stem="s:" + stem if stem != word else None,
        lex="lex:" + cls if cls else None,
        neg_lex="neg:lex:" + cls if cls else None,
        neg="neg:" + _stem(word) if alpha else None,
        negation=_is_negation(word),
    )


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` (punctuation cues included) as a cached ``Token``, in order."""
    get = _TOKENS.get
    return [get(t) or _token(t) for t in _TOKEN.findall(text)]


def tokens_within(text: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``tokenize(text)`` is exactly the tokens of ``spans`` (in order, non-overlapping)
    joined: no token lies outside them and none runs across a boundary between two of them.

    Sentence spans nearly always pass, so a document's tokens come from its sentences' tokens
    instead of a second pass over the text.
    """
    end = 0
    for start, stop in spans:
        if start < end or stop < start or _TOKEN_CHAR.search(text, end, start):
            return False
        # Only nothing or a lone apostrophe between two word characters can join them.
        joinable = end and text[end:start] in ("", "'")
        if joinable and _JOINER.match(text, end - 1) and _JOINER.match(text, start):
            return False
        end = stop
    return _TOKEN_CHAR.search(text, end) is None


def _ngrams(words: list[str], content: list[bool], k: int) -> list[str]:
    """The ``n:`` features of every ``k`` consecutive words with at least one content word."""
    if k == 2:
        return [f"n:{a} {b}" for a, b, x, y in zip(words, words[1:], content, content[1:]) if x or y]
    if k == 3:
        return [
            f"n:{a} {b} {c}"
            for a, b, c, x, y, z in zip(words, words[1:], words[2:], content, content[1:], content[2:])
            if x or y or z
        ]
    grams = zip(*(words[j:] for j in range(k)))
    return ["n:" + " ".join(g) for g, keep in zip(grams, zip(*(content[j:] for j in range(k)))) if any(keep)]


class Featurizer:
    """Word n-grams, word stems and optional cue features of one sentence.

    Function words (articles, pronouns, auxiliaries) are not unigram features and n-grams made
    only of them are dropped; n-grams that include them ("did not deny") are kept.

    Parameters
    ----------
    ngram_max : int, default=2
        Longest word n-gram.
    stems : bool, default=True
        Add a Snowball stem feature per word, so "denied", "denies" and "denying" share weight.
    cues : bool, default=False
        Keep quote and question marks as tokens and add negation-scope, opening-quote,
        question and first-word features (the frame head uses them; topics do not).
    """

    def __init__(self, ngram_max: int = 2, stems: bool = True, cues: bool = False):
        self.ngram_max = ngram_max
        self.stems = stems
        self.cues = cues

    def __repr__(self) -> str:
        return f"Featurizer(ngram_max={self.ngram_max}, stems={self.stems}, cues={self.cues})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Featurizer) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((self.ngram_max, self.stems, self.cues))

    def __call__(self, text: str) -> list[str]:
        """The names of ``spans(text)``, grouped by kind (hashing does not see the order)."""
        words, cues = self.names(tokenize(text))
        return words + cues

    def names(self, tokens: Sequence[Token]) -> tuple[list[str], list[str]]:
        """Word and cue feature names of one tokenized text (see ``tokenize``), in bulk.

        The two lists are the non-cue and cue names of ``spans`` (``is_cue``), so the
        vectorizer's two blocks need no sorting by prefix.
        """
        if not self.cues:
            tokens = [t for t in tokens if t.is_word]
        words = [t.word for t in tokens]
        content = [t.content for t in tokens]
        out = [t.unigram for t in tokens if t.unigram]
        if self.stems:
            out += [t.stem for t in tokens if t.stem]
        for k in range(2, self.ngram_max + 1):
            out += _ngrams(words, content, k)
        return out, self._cue_names(tokens) if self.cues and tokens else []

    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        """Lower-cased, digit-folded tokens with their offsets in ``text``."""
        out = []
        for m in _TOKEN.finditer(text):
            tok = m.group()
            if tok[0].isalnum() or tok[0] == "_":
                out.append((_DIGIT.sub("0", tok.lower()), m.start(), m.end()))
            elif self.cues:
                out.append((_QUOTES.get(tok, tok), m.start(), m.end()))
        return out

    def spans(self, text: str) -> list[Occurrence]:
        """Every feature occurrence as ``(name, ((start, end), ...))``, offsets into ``text``."""
        toks = self.tokens(text)
        words = [t[0] for t in toks]
        parts = [(t[1], t[2]) for t in toks]
        out: list[Occurrence] = []
        n = len(toks)
        content = [w not in _STOP and w[0].isalnum() for w in words]
        for i in range(n):
            if words[i] not in _STOP:
                out.append(("w:" + words[i], (parts[i],)))
            if self.stems and content[i]:
                stem = _stem(words[i])
                if stem != words[i]:
                    out.append(("s:" + stem, (parts[i],)))
            for k in range(2, self.ngram_max + 1):
                if i + k <= n and any(content[i : i + k]):
                    out.append(("n:" + " ".join(words[i : i + k]), tuple(parts[i : i + k])))
        if self.cues and n:
            out.extend(self._cue_features(words, parts))
        return out

    @staticmethod
    def _cue_names(tokens: Sequence[Token]) -> list[str]:
        """The names of ``_cue_features`` from token records."""
        first, last = tokens[0].word, tokens[-1].word
        out = ["first:" + first] if first in _OPENERS else []
        if first == '"':
            out.append("cue:opens_with_quote")
        if last == "?":
            out.append("cue:question")
        out += [t.lex for t in tokens if t.lex]
        for i in [i for i, t in enumerate(tokens) if t.negation]:
            for t in tokens[i + 1 : i + 1 + _NEG_SCOPE]:
                if t.neg:
                    out.append(t.neg)
                    if t.neg_lex:
                        out.append(t.neg_lex)
        for i in [i for i, t in enumerate(tokens) if t.lex == "lex:directive"]:
            out += ["plan:lex:hedge" for t in tokens[i + 1 : i + 1 + _PLAN_SCOPE] if t.lex == "lex:hedge"]
        return out

    def _cue_features(self, words: list[str], parts: list[Part]) -> list[Occurrence]:
        out: list[Occurrence] = []
        if words[0] in _OPENERS:
            out.append(("first:" + words[0], (parts[0],)))
        if words[0] == '"':
            out.append(("cue:opens_with_quote", (parts[0],)))
        if words[-1] == "?":
            out.append(("cue:question", (parts[-1],)))
        classes = [cue_class(_stem(w)) if w[0].isalpha() else None for w in words]
        for i, cls in enumerate(classes):
            if cls:
                out.append(("lex:" + cls, (parts[i],)))
        for i, word in enumerate(words):
            if not _is_negation(word):
                continue
            for j in range(i + 1, min(i + 1 + _NEG_SCOPE, len(words))):
                if words[j][0].isalpha():
                    out.append(("neg:" + _stem(words[j]), (parts[i], parts[j])))
                    if classes[j]:
                        out.append(("neg:lex:" + classes[j], (parts[i], parts[j])))
        for i, cls in enumerate(classes):
            if cls == "directive":
                for j in range(i + 1, min(i + 1 + _PLAN_SCOPE, len(words))):
                    if classes[j] == "hedge":
                        out.append(("plan:lex:hedge", (parts[i], parts[j])))
        return out
