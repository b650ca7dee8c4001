import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from model import load_model  # noqa: E402

# Property tests (tests/test_fuzz.py): the same 500+ examples on every run, no timing flakes.
settings.register_profile(
    "ci",
    max_examples=500,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_2cca157fc25d85ec.txt"

# Ten-odd sentences per frame would overfit; these cover all five frames for round trips.
TINY_FRAMES = [
    ("Prosecutors accused the mayor of taking bribes from builders.", "allegation"),
    ("The lawsuit alleges the firm hid defects from buyers.", "allegation"),
    ("Police say the man attacked a guard outside the bank.", "allegation"),
    ("The minister denied the claims on Tuesday.", "denial"),
    ("Her lawyer rejected the accusations as baseless.", "denial"),
    ('"That is completely untrue," the spokeswoman said.', "denial"),
    ("The ministry confirmed that two soldiers had died.", "confirmation"),
    ("The bank admitted that it had overcharged customers.", "confirmation"),
    ("Engineers acknowledged the valve had failed.", "confirmation"),
    ("It is unclear whether the talks will resume.", "speculation"),
    ("Analysts expect prices may rise next year.", "speculation"),
    ("Will the ceasefire hold?", "speculation"),
    ("The bridge was opened in 1990.", "neutral"),
    ("The plant employs 400 people.", "neutral"),
    ("The match was postponed because of snow.", "neutral"),
]
TINY_TOPICS = [
    ("The striker scored twice as United won the cup final.", "sport"),
    ("The goalkeeper saved a penalty in the derby.", "sport"),
    ("Parliament passed the budget after a long debate.", "politics"),
    ("The prime minister called an early election.", "politics"),
    ("Shares fell as the central bank raised interest rates.", "economy_business_finance"),
    ("The company reported record quarterly profits.", "economy_business_finance"),
    ("Heavy rain and strong winds are forecast for the weekend.", "weather"),
    ("Temperatures will drop below freezing overnight.", "weather"),
]


@pytest.fixture(scope="session")
def model():
    return load_model()


@pytest.fixture(scope="session")
def seed_text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_model():
    from model import TrainConfig, train
    from model.corpora import Labelled

    def labelled(rows):
        return Labelled(tuple(t for t, _ in rows), tuple(l for _, l in rows), (1.0,) * len(rows))

    config = TrainConfig(topic_n_features=2**12, frame_n_features=2**12, topic_C=50.0, frame_C=50.0, attribution=False)
    return train(config, topics=labelled(TINY_TOPICS), frames=labelled(TINY_FRAMES), log=None)
