"""Sentence segmenters on news text: speed and a few hard cases, side by side in one run.

Usage: pip install syntok pysbd  (optional peers; missing ones are skipped)
       python bench/segmenters.py
newsframe's own segmenter (blingfire plus hard line breaks) is always measured.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    ("Mr. Smith met Dr. J. R. Jones in the U.S. on Monday. He left.", 2),
    ('Shares rose 3.5 per cent to $12.40. "We will not resign," she said.', 2),
    ("No. 10 said nothing. The talks resume on Friday.", 2),
    ("BREAKING: Dam bursts near town\nResidents were evacuated overnight.", 2),
]


def newsframe(text):
    from model.segment import split_sentences

    return [text[s:e] for s, e in split_sentences(text)]


def syntok(text):
    from syntok import segmenter

    return ["".join(t.spacing + t.value for t in sent).strip() for para in segmenter.analyze(text) for sent in para]


def pysbd(text):
    import pysbd as p

    return p.Segmenter(language="en", clean=False).segment(text)


def main() -> None:
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))) * 10
    words = len(text.split())
    rows = []
    for name, fn in (("newsframe (blingfire)", newsframe), ("syntok", syntok), ("pysbd", pysbd)):
        try:
            fn("Warm up. Twice.")
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            fn(text)
            times.append(time.perf_counter() - t0)
        right = sum(len(fn(c)) == n for c, n in CASES)
        rows.append((name, words / statistics.median(times), right))
    base = rows[0][1]
    print(f"{words:,} words of news text, median of 5 runs")
    for name, wps, right in rows:
        print(f"{name:<24} {wps:>12,.0f} words/s  {base / wps:6.1f}x newsframe's time  hard cases {right}/{len(CASES)}")


if __name__ == "__main__":
    main()
