"""The team's own data in data/: labels valid, enough per class, no near-duplicates, no seed overlap."""

import csv
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from model import FRAMES, TOPICS
from model.corpora import team_data

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_2cca157fc25d85ec.txt"
NEAR_DUPLICATE = 0.5
SEED_OVERLAP = 0.6


def trigrams(text):
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a and b else 0.0


@pytest.fixture(scope="module")
def frames():
    return team_data("frames")


@pytest.fixture(scope="module")
def topics():
    return team_data("topics")


def test_every_frame_has_at_least_200_sentences(frames):
    counts = Counter(frames.labels)
    assert set(counts) == set(FRAMES)
    assert min(counts.values()) >= 200, counts
    assert len(frames) >= 1200


def test_sparse_topics_have_at_least_60_snippets(topics):
    counts = Counter(topics.labels)
    for label in ("weather", "labour", "disaster_accident_emergency", "religion", "human_interest",
                  "lifestyle_leisure", "society", "environment"):
        assert counts[label] >= 60, (label, counts[label])
    assert set(counts) <= set(TOPICS)


@pytest.mark.parametrize("task", ["frames", "topics"])
def test_no_near_duplicates(task):
    texts = list(team_data(task).texts)
    assert len(set(t.strip().lower() for t in texts)) == len(texts), "exact duplicates"
    grams = [trigrams(t) for t in texts]
    # Index by trigram so only pairs sharing one are compared.
    index = {}
    for i, g in enumerate(grams):
        for tri in g:
            index.setdefault(tri, []).append(i)
    pairs = {(i, j) for ids in index.values() for i, j in itertools.combinations(ids, 2)}
    close = [(texts[i], texts[j]) for i, j in pairs if jaccard(grams[i], grams[j]) >= NEAR_DUPLICATE]
    assert close == []


@pytest.mark.parametrize("task", ["frames", "topics"])
def test_no_sentence_overlaps_the_seed_article(task):
    seed = SEED.read_text(encoding="utf-8")
    seed_sentences = [trigrams(s) for s in re.split(r"(?<=[.!?])\s+|\n+", seed) if len(s.split()) >= 4]
    for text in team_data(task).texts:
        g = trigrams(text)
        for s in seed_sentences:
            shared = len(g & s) / min(len(g), len(s)) if g and s else 0.0
            assert shared < SEED_OVERLAP, text


def test_frame_cues_occur_in_their_sentences():
    for path in sorted((DATA / "frames").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for part in filter(None, (p.strip() for p in row["cue"].split("..."))):
                    assert part.lower() in row["text"].lower(), (path.name, row["text"], part)


def test_data_card_is_in_sync_with_the_data():
    from model.datacard import render

    card = (DATA / "DATA_CARD.md").read_text(encoding="utf-8")
    assert card == render(), "data/DATA_CARD.md is stale: run python -m model.datacard"
