"""Reviewing weakly labelled corpora against the team's data: which rows go, which stay, and where it shows."""

import io

import pytest

from model import TrainConfig
from model.corpora import Labelled, load_corpus, parse_spec, team_data
from model.review import review
from model.train import fit_head, gather

# Weak labels of the kind a cue lexicon gives: the last two contradict LABELS.md.
ROWS = [
    ("The ministry denied that its officials had taken bribes from the contractor.", "denial"),
    ("Prosecutors allege the mayor steered the contract to his brother-in-law's firm.", "allegation"),
    ("The bridge opened to traffic in 1932 and carries about 40,000 vehicles a day.", "neutral"),
    ("It is unclear whether the talks will resume before the end of the year.", "neutral"),
    ("The company categorically denied the claims, calling the report a fabrication.", "neutral"),
]


@pytest.fixture(scope="module")
def judge():
    return fit_head("frames", TrainConfig(), team_data("frames", 2.0))


def corpus_file(tmp_path):
    path = tmp_path / "weak.csv"
    lines = ["text,label"] + [f'"{t}",{lab}' for t, lab in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_review_drops_the_rows_the_team_data_contradicts_and_counts_them(judge):
    part = Labelled(tuple(t for t, _ in ROWS), tuple(lab for _, lab in ROWS), (1.0,) * len(ROWS), {"weak": len(ROWS)})
    kept = review(part, judge, 0.05)
    assert kept.texts == tuple(t for t, _ in ROWS[:3])
    assert kept.sources == {"weak": 3} and kept.left_out == {"weak": 2}
    assert kept.weights == (1.0,) * 3


def test_review_keeps_everything_at_zero_and_rows_with_labels_the_judge_never_saw(judge):
    part = Labelled(tuple(t for t, _ in ROWS), tuple(lab for _, lab in ROWS), (1.0,) * len(ROWS), {"weak": len(ROWS)})
    assert review(part, judge, 0.0) is part
    odd = Labelled(("Shares fell sharply on Monday.",), ("economy_business_finance",), (1.0,), {"x": 1})
    assert review(odd, judge, 0.5).texts == odd.texts


def test_gather_reviews_only_the_corpora_the_config_names(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFRAME_DATA_DIR", str(tmp_path))
    path = str(corpus_file(tmp_path))
    log = io.StringIO()
    data = gather("frames", TrainConfig(frame_corpora=(path,), review_corpora=("weak.csv",)), log)
    assert data.sources["weak.csv"] == 3 and data.left_out == {"weak.csv": 2}
    assert ROWS[4][0] not in data.texts and ROWS[0][0] in data.texts
    assert "weak.csv -> 3 rows (2 left out" in log.getvalue()
    untouched = gather("frames", TrainConfig(frame_corpora=(path,), review_corpora=()), None)
    assert untouched.sources["weak.csv"] == 5 and not untouched.left_out
    off = gather("frames", TrainConfig(frame_corpora=(path,), review_corpora=("weak.csv",), review_below=0), None)
    assert off.sources["weak.csv"] == 5


def test_without_the_team_data_nothing_is_reviewed(tmp_path):
    path = str(corpus_file(tmp_path))
    data = gather("frames", TrainConfig(frame_corpora=(path,), review_corpora=("weak.csv",), team_data=False), None)
    assert sorted(data.texts) == sorted(load_corpus(parse_spec(path, "frames")).texts) and not data.left_out


def test_review_below_must_be_a_probability():
    with pytest.raises(ValueError, match="review_below must be in"):
        TrainConfig(review_below=1.5)


def test_the_shipped_card_says_how_many_rows_the_review_left_out(model):
    left_out = model.manifest["training_data"]["frames"].get("left_out", {})
    if not left_out:
        pytest.skip("the shipped model was trained without PolNeAR")
    card = model.model_card()
    for name, n in left_out.items():
        assert f"`{name}`" in card and f"{n:,} more left out" in card
