"""Text features with their character spans, so every model input maps back to the user's text.

A ``Featurizer`` is the analyzer of the hashing vectorizers: ``featurizer(text)`` gives the
feature names scikit-learn hashes, and ``featurizer.spans(text)`` gives the same features, in
the same order, each with the token spans it came from. Cue features (negation scope,
question, opening quote, sentence-initial word) are ordinary features here, so the model
weighs them and the explanations stay exact.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from .cues import cue_class

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[?\"“”‘’«»:;!]")
_DIGIT = re.compile(r"\d")
_QUOTES = {'"': '"', "“": '"', "”": '"', "«": '"', "»": '"', "‘": "'", "’": "'"}
_NEGATIONS = frozenset(
    {"not", "no", "never", "nor", "without", "neither", "nothing", "nobody", "none", "cannot"}
)
_NEG_SCOPE = 3
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


CUE_PREFIXES = ("lex:", "neg:", "cue:", "first:")


def is_cue(name: str) -> bool:
    """Whether a feature name is a cue feature (its own block in ``SentenceVectorizer``)."""
    return name.startswith(CUE_PREFIXES)


def _is_negation(word: str) -> bool:
    return word in _NEGATIONS or word.endswith("n't") or word.endswith("n’t")


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
        return [name for name, _ in self.spans(text)]

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
        return out
