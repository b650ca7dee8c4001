"""From CRF tags to attribution relations, and from relations to one record per sentence.

The CRF marks source, cue and content chunks in each sentence. Here each cue becomes a
relation with the nearest source chunk and a content chunk of its sentence (PolNeAR puts
source and cue in the same sentence 99% of the time, dev split). News also attributes across
sentences, so sentences with no cue of their own inherit a relation:

- a quotation that runs over several sentences takes the relation found in any of them
  (the '"First. Second," she said.' pattern);
- a fully quoted sentence with no cue takes the next sentence's relation when that relation
  has little or no content of its own ('"It is fiction." She said so on Thursday.');
- a sentence after one that ends "... said:" takes that relation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .attribution_features import Sentence

Part = tuple[int, int]


@dataclass(frozen=True)
class Chunk:
    """A run of tokens with one role; ``first``/``last`` are token indices in the sentence."""

    role: str
    first: int
    last: int


@dataclass(frozen=True)
class Relation:
    """One attribution: who (``source``), how (``cue`` parts) and what (``content``), as char spans."""

    sentence: int
    source: Part | None
    cue: tuple[Part, ...]
    content: Part | None
    reporting: bool = False  # the cue holds a reporting or stance verb the Matcher knows


def chunks(tags: Sequence[str]) -> list[Chunk]:
    """BIO tags to chunks; a stray I- after another role starts a chunk of its own."""
    out: list[Chunk] = []
    for i, tag in enumerate(tags):
        if tag == "O":
            continue
        role = tag[2:]
        if tag.startswith("I-") and out and out[-1].role == role and out[-1].last == i - 1:
            out[-1] = Chunk(role, out[-1].first, i)
        else:
            out.append(Chunk(role, i, i))
    return out


def _gap(a: Chunk, b: Chunk) -> int:
    return max(b.first - a.last, a.first - b.last)


def sentence_relations(index: int, sentence: Sentence, found: list[Chunk], text: str) -> list[Relation]:
    """Each cue chunk with its nearest source chunk (ties go to the one before the cue) and the
    longest content chunk nearer to it than to any other cue.

    Two news patterns the CRF gets wrong get a fix here: a source it runs on past a comma
    after a sentence-initial "According to" (see :func:`_bound_sources`), and passive
    attribution ("The claim was denied by the ministry"), rare in PolNeAR, which the CRF often
    leaves untagged: the ``Matcher``'s ``BY_AGENT`` match around a reporting or stance verb
    becomes the cue, and the words after "by" the source.
    """
    toks = sentence.tokens
    words = [text[s:e] for s, e in toks]
    found = found + _passive_cues(sentence, found, words)
    cues = [c for c in found if c.role == "CUE"]
    bounded = [part for c in found if c.role == "SRC" for part in _bound_sources(c, cues, words)]
    sources = [c for c in bounded if c.role == "SRC"]
    contents: dict[int, list[Chunk]] = {}
    for con in (c for c in found + bounded if c.role == "CON"):
        if cues:
            nearest = min(range(len(cues)), key=lambda k: (_gap(con, cues[k]), cues[k].first < con.first))
            contents.setdefault(nearest, []).append(con)
    relations = []
    for k, cue in enumerate(cues):
        nearest = min(sources, key=lambda c: (_gap(c, cue), c.first > cue.first), default=None)
        src = _passive_agent(cue, sentence, words) or nearest
        con = max(contents.get(k, []), key=lambda c: toks[c.last][1] - toks[c.first][0], default=None)
        relations.append(
            Relation(
                index,
                (toks[src.first][0], toks[src.last][1]) if src else None,
                ((toks[cue.first][0], toks[cue.last][1]),),
                (toks[con.first][0], toks[con.last][1]) if con else None,
                any(sentence.marks[i] & _REPORTING for i in range(cue.first, cue.last + 1)),
            )
        )
    return relations


def _bound_sources(src: Chunk, cues: list[Chunk], words: list[str]) -> list[Chunk]:
    """Cut a source the CRF ran on past a comma right after a cue.

    - Between two cues ("According to independent experts, the papers appear to be genuine"):
      two sources, split at the last comma.
    - After a sentence-initial cue, running to the sentence's end ("According to the
      ministry, 40 people died"): the source ends at the first comma; the rest is content.
    """
    commas = [i for i in range(src.first + 1, src.last) if words[i] == ","]
    lead = next((c for c in cues if c.last == src.first - 1), None)
    if lead is None or not commas:
        return [src]
    if any(c.first == src.last + 1 for c in cues):
        return [Chunk("SRC", src.first, commas[-1] - 1), Chunk("SRC", commas[-1] + 1, src.last)]
    initial = all(not w[:1].isalnum() for w in words[: lead.first])
    to_end = all(not w[:1].isalnum() for w in words[src.last + 1 :])
    if initial and to_end:
        return [Chunk("SRC", src.first, commas[0] - 1), Chunk("CON", commas[0] + 1, src.last)]
    return [src]


_STANCE = frozenset({"SAY", "DENY", "CONFIRM", "ALLEGE"})
_REPORTING = _STANCE | {"ACCORDING", "HEDGE"}


def _passive_cues(sentence: Sentence, found: list[Chunk], words: list[str]) -> list[Chunk]:
    """Cue and content chunks for passive attributions the CRF missed ("was denied by")."""
    marks = sentence.marks
    taken = {i for c in found if c.role == "CUE" for i in range(c.first, c.last + 1)}
    extra = []
    for end, word in enumerate(words):
        if word.lower() != "by" or "BY_AGENT" not in marks[end] or end in taken:
            continue
        start = end
        while start > 0 and "BY_AGENT" in marks[start - 1] and words[start - 1].lower() != "by":
            start -= 1
        if any(marks[i] & _STANCE for i in range(start, end)) and not taken & set(range(start, end)):
            extra.append(Chunk("CUE", start, end))
            first = next((i for i in range(start) if words[i][:1].isalnum()), None)
            if first is not None and not any(c.role == "CON" and c.last < start for c in found):
                extra.append(Chunk("CON", first, start - 1))
    return extra


_AGENT_STOP = frozenset("on in at during after before for with when because while as than last this since".split())


def _agent_word(word: str) -> bool:
    return (word[:1].isalnum() or word.lower() in ("'s", "’s")) and word.lower() not in _AGENT_STOP


def _passive_agent(cue: Chunk, sentence: Sentence, words: list[str]) -> Chunk | None:
    """The agent after a passive cue's "by" (Matcher label ``BY_AGENT``), up to punctuation or a
    preposition."""
    marks = sentence.marks
    after = (i for i in (cue.last, cue.last + 1) if i < len(words))
    by = next((i for i in after if words[i].lower() == "by" and "BY_AGENT" in marks[i]), None)
    if by is None:
        return None
    last = by
    while last + 1 < len(words) and _agent_word(words[last + 1]):
        last += 1
    return Chunk("SRC", by + 1, last) if last > by else None


def _inside(part: Part, outer: Part | None) -> bool:
    return outer is not None and outer[0] <= part[0] and part[1] <= outer[1]


def primary(relations: Sequence[Relation]) -> Relation | None:
    """The relation that frames a sentence: the outermost (its cue is no other's content), then
    one with a source, then one with a reporting or stance cue, then the earliest."""
    if not relations:
        return None
    return min(
        relations,
        key=lambda r: (
            any(_inside(r.cue[0], o.content) for o in relations if o is not r),
            r.source is None,
            not r.reporting,
            r.cue[0][0],
        ),
    )


def by_sentence(
    text: str, sentences: Sequence[Sentence], relations: Sequence[Relation]
) -> list[tuple[Relation | None, Part | None]]:
    """For each sentence, the relation it carries (its own or one inherited) and its content there.

    Returns
    -------
    list of (Relation or None, content part or None)
        The content is clipped to the sentence; an inherited relation's content is the
        sentence's quoted stretch (or the whole sentence).
    """
    own: list[list[Relation]] = [[] for _ in sentences]
    for r in relations:
        own[r.sentence].append(r)
    chosen = [primary(rs) for rs in own]
    out: list[tuple[Relation | None, Part | None]] = [
        (r, _clip(r.content, s) if r else None) for r, s in zip(chosen, sentences)
    ]
    for first, last in _quote_chains(text, sentences):
        lead = next((chosen[i] for i in range(first, last + 1) if chosen[i] and chosen[i].source), None)
        for i in range(first, last + 1):
            if chosen[i] is None and lead is not None:
                out[i] = (lead, _quoted(text, sentences[i]))
    for i, s in enumerate(sentences):
        if out[i][0] is not None:
            continue
        after = chosen[i + 1] if i + 1 < len(sentences) and _same_paragraph(text, s, sentences[i + 1]) else None
        before = chosen[i - 1] if i > 0 and _same_paragraph(text, sentences[i - 1], s) else None
        if after is not None and _fully_quoted(text, s) and _barely_any(text, after.content):
            out[i] = (after, _quoted(text, s))
        elif before is not None and text[sentences[i - 1].start : sentences[i - 1].end].rstrip().endswith(":"):
            out[i] = (before, _quoted(text, s))
    return out


def _barely_any(text: str, content: Part | None) -> bool:
    """No content, or three words at most ("so on Thursday"): the quote before is the content."""
    return content is None or len(text[content[0] : content[1]].split()) <= 3


def _clip(part: Part | None, sentence: Sentence) -> Part | None:
    if part is None:
        return None
    start, end = max(part[0], sentence.start), min(part[1], sentence.end)
    return (start, end) if end > start else None


def _same_paragraph(text: str, a: Sentence, b: Sentence) -> bool:
    return "\n" not in text[a.end : b.start]


def _quote_chains(text: str, sentences: Sequence[Sentence]) -> list[tuple[int, int]]:
    """Runs of sentences joined by one open quotation (first, last index)."""
    chains = []
    i = 0
    while i < len(sentences):
        j = i
        while (
            j + 1 < len(sentences)
            and sentences[j].quoted_end
            and sentences[j + 1].quoted_start
            and _same_paragraph(text, sentences[j], sentences[j + 1])
        ):
            j += 1
        if j > i:
            chains.append((i, j))
        i = j + 1
    return chains


_QUOTE_CHARS = "\"“”«»„"


def _fully_quoted(text: str, sentence: Sentence) -> bool:
    body = text[sentence.start : sentence.end]
    return len(body) > 2 and body[0] in _QUOTE_CHARS and body.rstrip(".")[-1] in _QUOTE_CHARS


def _quoted(text: str, sentence: Sentence) -> Part:
    """The sentence without its outer quotation marks and final stop."""
    start, end = sentence.start, sentence.end
    while start < end and (text[start] in _QUOTE_CHARS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _QUOTE_CHARS or text[end - 1] in ".,;: "):
        end -= 1
    return (start, end) if end > start else (sentence.start, sentence.end)
