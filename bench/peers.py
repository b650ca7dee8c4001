"""The two peers newsframe's batch speed is measured against, each a whole process: CSV in, CSV out.

    python bench/peers.py fit TRAIN.csv WORKDIR            # fit both peers once (not timed)
    python bench/peers.py sklearn WORKDIR IN.csv OUT.csv   # one timed run
    python bench/peers.py fasttext WORKDIR IN.csv OUT.csv

Both predict the topic only (one label and its probability per row), which is less work than
newsframe's ``score``: that also segments every text and gives every sentence a frame. They read
and write the same way newsframe does (pandas, all input columns kept), so the comparison is of
whole jobs, start-up included.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def fit(train_csv: str, workdir: str) -> None:
    """Fit a TF-IDF + logistic regression pipeline and a fastText classifier on ``text,label``."""
    import fasttext
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    work = Path(workdir)
    data = pd.read_csv(train_csv, dtype=str, keep_default_na=False)
    pipe = make_pipeline(TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2),
                         LogisticRegression(max_iter=1000))
    pipe.fit(data["text"], data["label"])
    joblib.dump(pipe, work / "sklearn.joblib")
    lines = (f"__label__{label.replace(' ', '_')} {_one_line(text)}" for text, label in zip(data["text"], data["label"]))
    (work / "fasttext.train").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # dim=10 and bigrams: the AG News set-up of the fastText paper (Joulin et al. 2016).
    model = fasttext.train_supervised(str(work / "fasttext.train"), dim=10, epoch=5, wordNgrams=2, thread=1, seed=0,
                                      verbose=0)
    model.save_model(str(work / "fasttext.bin"))


def score_sklearn(workdir: str, src: str, dest: str) -> None:
    import joblib

    pipe = joblib.load(Path(workdir) / "sklearn.joblib")
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    proba = pipe.predict_proba(frame["text"])
    frame["topic"] = pipe.classes_[proba.argmax(axis=1)]
    frame["topic_prob"] = proba.max(axis=1).round(4)
    frame.to_csv(dest, index=False)


def score_fasttext(workdir: str, src: str, dest: str) -> None:
    import fasttext

    model = fasttext.load_model(str(Path(workdir) / "fasttext.bin"))
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    labels, probs = model.predict([_one_line(t) for t in frame["text"]], k=1)
    frame["topic"] = [lab[0].removeprefix("__label__") for lab in labels]
    frame["topic_prob"] = [round(float(p[0]), 4) for p in probs]
    frame.to_csv(dest, index=False)


def _one_line(text: str) -> str:
    """fastText reads one example per line, so line breaks become spaces."""
    return " ".join(text.split())


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    {"fit": fit, "sklearn": score_sklearn, "fasttext": score_fasttext}[command](*rest)
