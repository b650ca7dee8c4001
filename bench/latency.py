"""Model load time, analyze() latency on a 1,000-word article (with and without who said
what), and bundle size.

Usage: python bench/latency.py [--repeat 20] [--model PATH]
Prints medians; absolute times on shared machines are noisy, so compare runs made together:
analyze with and without attribution alternate run by run, and the ratio is the figure to read.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def article(words: int = 1000) -> str:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in seeds)
    while len(text.split()) < words:
        text += "\n\n" + text
    return " ".join(text.split(" ")[:words])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--model", help="a .skops bundle (default: the shipped model)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    from model import load_model
    from model.bundle import DEFAULT_PATH

    import_s = time.perf_counter() - t0
    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        m = load_model(args.model)
        loads.append(time.perf_counter() - t0)
    text = article()
    who = m.has_attribution
    m.analyze(text, attribution=who)  # the first call with attribution loads spaCy: not part of latency
    runs, who_runs = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        m.analyze(text)
        runs.append(time.perf_counter() - t0)
        if who:
            t0 = time.perf_counter()
            m.analyze(text, attribution=True)
            who_runs.append(time.perf_counter() - t0)
    score_runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        m.score([text])
        score_runs.append(time.perf_counter() - t0)
    print(f"import model: {import_s * 1000:.0f} ms")
    print(f"load_model(): median {statistics.median(loads) * 1000:.0f} ms over {len(loads)}")
    print(f"analyze(1,000 words, {len(m.analyze(text).sentences)} sentences): median {statistics.median(runs) * 1000:.1f} ms")
    if who:
        ratio = statistics.median(who_runs) / statistics.median(runs)
        print(f"analyze(same text, attribution=True): median {statistics.median(who_runs) * 1000:.1f} ms "
              f"({ratio:.2f}x analyze without it)")
    else:
        print("analyze(attribution=True): not measured (no tagger in this bundle, or the [attribution] extra is missing)")
    print(f"score([same text]): median {statistics.median(score_runs) * 1000:.1f} ms (no explanations)")
    print(f"bundle: {Path(args.model or DEFAULT_PATH).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
