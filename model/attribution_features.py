"""From text to the token sequences the attribution CRF reads (and, for training, the tags it learns).

Tokens come from spaCy's blank English tokenizer (no trained pipeline is needed, or allowed:
the official ones are not on the registry this project can reach). A rule-based ``Matcher``
marks what news uses to attribute: reporting and stance verbs, "according to", "in a
statement", "told", passive "... by", and speaker nouns such as "spokesman". Its marks are CRF
features, never decisions, so the model learns from PolNeAR how much each one counts.

Quotation state is tracked over the whole article, so a sentence that opens inside a quote
knows it, which is how a quote in one sentence finds its "she said" in the next.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from .cues import CUE_WORDS
from .segment import _UNSAFE

# Verbs of saying, writing and thinking, in their inflected forms: the blank pipeline has no
# lemmatizer, so the Matcher compares lower-cased forms.
SPEECH_VERBS = frozenset(
    """
    say says said saying tell tells told telling add adds added adding state states stated stating
    write writes wrote written writing note notes noted noting explain explains explained explaining
    argue argues argued arguing warn warns warned warning ask asks asked asking reply replies replied
    replying respond responds responded responding announce announces announced announcing declare
    declares declared declaring tweet tweets tweeted tweeting post posted posts continue continued
    continues recall recalls recalled recalling suggest suggests suggested suggesting describe
    describes described describing call calls called calling urge urges urged urging predict predicts
    predicted think thinks thought believe believes believed know knows knew known feel feels felt
    insist insists insisted insisting maintain maintains maintained stress stresses stressed
    emphasize emphasized emphasised pointed point points mention mentions mentioned report reports
    reported reporting show shows showed shown find finds found reveal reveals revealed revealing
    testify testified concluded conclude concludes estimated estimate estimates promise promised
    promises pledge pledged vowed vow vows want wants wanted hope hopes hoped fear fears feared worry
    worried worries criticize criticized criticised criticizes blasted blast slammed slam attacked
    cited cites citing quoted quote quotes quoting agree agrees agreed disagree disagreed demand
    demanded demands complain complained complains questioned question questions wonder wondered
    charge charged charges contend contended contends assert asserted asserts observe observed
    observes comment commented comments
    """.split()
)
SPEAKER_NOUNS = frozenset(
    """
    spokesman spokeswoman spokesperson spokespeople official officials aide aides adviser advisers
    advisor advisors source sources expert experts analyst analysts report reports newspaper paper
    papers document documents statement lawmaker lawmakers senator spokesmen poll polls survey
    study memo letter campaign ministry department agency
    """.split()
)
_MEDIA = ["statement", "interview", "email", "e-mail", "tweet", "post", "letter", "release", "speech", "op-ed", "memo"]
_DETS = ["a", "an", "the", "his", "her", "their", "its", "our", "my", "this", "that", "one"]
_BE = ["was", "were", "is", "are", "been", "being", "be"]
_OPEN_QUOTES = frozenset("“«„")
_CLOSE_QUOTES = frozenset("”»")
_STRAIGHT_QUOTE = '"'
_CUE_LABELS = frozenset({"SAY", "DENY", "CONFIRM", "ALLEGE", "HEDGE", "ACCORDING"})
_DIST_BUCKETS = (0, 1, 2, 3, 3, 5, 5, 5, 8)

TAGS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON")
_PRECEDENCE = ("CUE", "SRC", "CON")  # where gold spans overlap, the tighter role wins


@dataclass
class Sentence:
    """One sentence's tokens (character spans into the article), their CRF features, whether it
    opens inside or leaves open a quotation, and each token's ``Matcher`` labels."""

    start: int
    end: int
    tokens: list[tuple[int, int]]
    features: list[list[str]]
    quoted_start: bool = False
    quoted_end: bool = False
    marks: list[frozenset[str]] = field(default_factory=list)


class Featurizer:
    """spaCy's blank English tokenizer plus the attribution ``Matcher``, built once on first use.

    spaCy is imported here, not at ``import model``: it costs about half a second to import.
    """

    def __init__(self) -> None:
        self._nlp = None
        self._matcher = None
        self._lock = threading.Lock()

    def _build(self) -> None:
        import spacy
        from spacy.matcher import Matcher

        nlp = spacy.blank("en")
        matcher = Matcher(nlp.vocab)
        matcher.add("SAY", [[{"LOWER": {"IN": sorted(SPEECH_VERBS)}}]])
        for label in ("DENY", "CONFIRM", "ALLEGE", "HEDGE"):  # newsframe's frame-cue lexicon classes
            matcher.add(label, [[{"LOWER": {"IN": CUE_WORDS[label.lower()].split()}}]])
        matcher.add("ACCORDING", [[{"LOWER": "according"}, {"LOWER": "to"}]])
        optional_word = {"IS_ALPHA": True, "OP": "?"}
        matcher.add(
            "STATEMENT",  # "in a statement", "in an interview with", "in his email"
            [[{"LOWER": "in"}, {"LOWER": {"IN": _DETS}, "OP": "?"}, optional_word, {"LOWER": {"IN": _MEDIA}}]],
        )
        matcher.add(
            "BY_AGENT",  # "was denied by", "were quickly rejected by", "has been shown by"
            [[{"LOWER": {"IN": _BE}}, optional_word, {"LOWER": {"REGEX": "(ed|en|wn)$"}}, {"LOWER": "by"}]],
        )
        matcher.add("SPEAKER", [[{"LOWER": {"IN": sorted(SPEAKER_NOUNS)}}]])
        self._nlp, self._matcher = nlp, matcher

    def sentences(self, text: str, sentence_spans: Sequence[tuple[int, int]]) -> list[Sentence]:
        """Tokenize ``text`` once and give each sentence its tokens and feature lists.

        Parameters
        ----------
        text : str
            The whole article: quotation state and the Matcher see across sentences.
        sentence_spans : sequence of (start, end)
            Sentence offsets into ``text``, in order (``model.segment.split_sentences``).
        """
        from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_TITLE, LENGTH, LIKE_NUM, LOWER, SHAPE

        with self._lock:
            if self._nlp is None:
                self._build()
            # Lone surrogates cannot be hashed by spaCy: swapped one-for-one, offsets stay valid.
            doc = self._nlp.make_doc(_UNSAFE.sub(" ", text))
            matches = self._matcher(doc)
        strings = self._nlp.vocab.strings
        marks: list[set[str]] = [set() for _ in range(len(doc))]
        for match_id, start, end in matches:
            label = strings[match_id]
            for i in range(start, end):
                marks[i].add(label)
        # One array read instead of a Token object per word: a third of the tagging time.
        attrs = doc.to_array([IDX, LENGTH, LOWER, SHAPE, IS_TITLE, LIKE_NUM, IS_PUNCT, IS_SPACE]).tolist()
        out: list[Sentence] = []
        bounds = iter(sentence_spans)
        current = next(bounds, None)
        rows: list[tuple] = []
        in_quote = False
        for (start, length, lower, shape, title, num, punct, space), mark in zip(attrs, marks):
            if space:
                if "\n" in text[start : start + length]:
                    in_quote = False  # a paragraph break closes a straight-quoted stretch
                continue
            while current is not None and start >= current[1]:
                out.append(_sentence(current, rows))
                rows = []
                current = next(bounds, None)
            if current is None:
                break
            char = text[start : start + length]
            quote = ""
            if char in _OPEN_QUOTES or (char == _STRAIGHT_QUOTE and not in_quote):
                quote, in_quote = "open", True
            elif char in _CLOSE_QUOTES or char == _STRAIGHT_QUOTE:
                quote, in_quote = "close", False
            if start < current[0]:
                continue
            lower = strings[lower]
            # A row: start, end, lower, shape, suffix, is title, like number, is punct,
            # quote mark ("open"/"close"/""), inside a quote, Matcher labels.
            rows.append((start, start + length, lower, strings[shape], lower[-3:], title, num, punct, quote,
                         in_quote and not quote, mark))
        if current is not None:
            out.append(_sentence(current, rows))
            out.extend(_sentence(span, []) for span in bounds)
        return out


def _sentence(span: tuple[int, int], rows: list[tuple]) -> Sentence:
    """``quoted_start``: it opens inside a quote begun earlier; ``quoted_end``: it leaves one open."""
    quoted_start = bool(rows) and rows[0][9]
    quoted_end = bool(rows) and (rows[-1][9] or rows[-1][8] == "open")
    tokens = [(r[0], r[1]) for r in rows]
    marks = [frozenset(r[10]) for r in rows]
    return Sentence(span[0], span[1], tokens, _features(rows), quoted_start, quoted_end, marks)


def _bucket(distance: int) -> str:
    return str(_DIST_BUCKETS[distance]) if distance < len(_DIST_BUCKETS) else "far"


def _features(rows: list[tuple]) -> list[list[str]]:
    """CRF features of one sentence: the token, its shape and marks, a +-2 window, and where the
    nearest cue-like words are (distance, the word, commas in between)."""
    n = len(rows)
    words = ["<num>" if r[6] else r[2] for r in rows]
    marks = ["|".join(sorted(r[10])) if r[10] else "-" for r in rows]
    shapes = [r[3] if len(r[3]) <= 4 else r[3][:4] for r in rows]
    cue_at = [i for i, r in enumerate(rows) if r[10] & _CUE_LABELS]
    has_cue = "1" if cue_at else "0"
    opens_in_quote = "1" if rows and rows[0][9] else "0"
    commas = [0] * (n + 1)  # commas[i]: commas before token i, to count those between two tokens
    for i, r in enumerate(rows):
        commas[i + 1] = commas[i] + (r[2] == ",")
    feats: list[list[str]] = []
    left = -1
    k = 0
    for i, r in enumerate(rows):
        while k < len(cue_at) and cue_at[k] < i:
            left = cue_at[k]
            k += 1
        right = cue_at[k] if k < len(cue_at) else -1
        if right == i:
            right = cue_at[k + 1] if k + 1 < len(cue_at) else -1
        f = [
            "b",
            "w=" + words[i],
            "s=" + shapes[i],
            "x=" + r[4],
            "m=" + marks[i],
            "q=" + (r[8] or ("in" if r[9] else "out")),
            "hc=" + has_cue,
            "oq=" + opens_in_quote,
            "dl=" + (_bucket(i - left) if left >= 0 else "none"),
            "dr=" + (_bucket(right - i) if right >= 0 else "none"),
        ]
        if left >= 0:
            f.append("cl=" + str(min(commas[i] - commas[left + 1], 2)))
            f.append("cwl=" + words[left])
        if right >= 0:
            f.append("cr=" + str(min(commas[right] - commas[i + 1], 2)))
            f.append("cwr=" + words[right])
        if r[5]:
            f.append("title")
        if r[7]:
            f.append("punct")
        if i == 0:
            f.append("first")
        if i == n - 1:
            f.append("last")
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                f.append(f"w{d}={words[j]}")
                f.append(f"m{d}={marks[j]}")
                if d in (-1, 1):
                    f.append(f"s{d}={shapes[j]}")
                    f.append(f"q{d}={rows[j][8] or ('in' if rows[j][9] else 'out')}")
            else:
                f.append(f"w{d}=<pad>")
        feats.append(f)
    return feats


def bio_tags(sentence: Sentence, roles: Sequence[tuple[str, int, int, int]]) -> list[str]:
    """Gold BIO tags for one sentence's tokens.

    Parameters
    ----------
    sentence : Sentence
    roles : sequence of (role, span_id, start, end)
        Every gold part as ``("SRC" | "CUE" | "CON", id, start, end)``; parts of one span share
        an id, so a token after a gap starts a new B- chunk.

    Notes
    -----
    Where roles overlap (a nested attribution's source inside another's content), the cue wins
    over the source and the source over the content: the tighter span is the rarer signal.
    """
    tags: list[str] = []
    previous: tuple[str, int] | None = None
    for start, end in sentence.tokens:
        hit = None
        for role in _PRECEDENCE:
            for r, span_id, s, e in roles:
                if r == role and s < end and start < e:
                    hit = (role, span_id)
                    break
            if hit:
                break
        if hit is None:
            tags.append("O")
        else:
            tags.append(("I-" if hit == previous else "B-") + hit[0])
        previous = hit
    return tags
