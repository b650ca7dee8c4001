"""newsframe's batch speed and memory against two peers, measured in one run on one machine.

    pip install -c constraints.txt -e ".[bench]"
    python bench/batch_speed.py                 # 20,000 rows x 5 rounds, then the 1,000,000-row run
    python bench/batch_speed.py --big 0         # without the 1,000,000-row run
    python bench/batch_speed.py --baseline DIR  # also time the newsframe checked out in DIR, same rounds

Every contender is a whole process that reads the same CSV and writes a CSV: newsframe's
``score`` (topics and the frame of every sentence) with ``--jobs 2`` and ``--jobs 1``, a plain
scikit-learn TF-IDF + logistic regression pipeline and fastText (both topic only; see
``bench/peers.py``). They run in turn, the order rotating each round, and the medians are printed.
Peak RSS is sampled every 50 ms over the process and all its children (joblib's workers count).
The rows are AG News's 7,600 test rows repeated; the run is skipped when they are absent.
With ``--baseline DIR`` (another checkout, such as ``git worktree add DIR main``) its
``score`` runs in the same rotation, so a change is measured against the code before it under
the same machine load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NEWSFRAME_DATA_DIR", ROOT.parent / "shared" / "data")) / "ag_news" / "test_labeled.csv"
PEERS = ROOT / "bench" / "peers.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--big", type=int, default=1_000_000, help="rows of the flat-memory run (0: skip it)")
    parser.add_argument("--baseline", type=Path, help="another newsframe checkout to time in the same rounds")
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(f"skipped: {DATA} is absent (set NEWSFRAME_DATA_DIR)")
        return 0
    import pandas as pd

    with tempfile.TemporaryDirectory(prefix="newsframe-bench-") as tmp:
        work = Path(tmp)
        sample = pd.read_csv(DATA, dtype=str, keep_default_na=False)
        rows = pd.concat([sample] * (args.rows // len(sample) + 1), ignore_index=True).iloc[: args.rows]
        src = work / "in.csv"
        rows.to_csv(src, index=False)
        subprocess.run([sys.executable, str(PEERS), "fit", str(DATA), str(work)], check=True)

        contenders = {
            "newsframe --jobs 2": [sys.executable, "-m", "model", "score", str(src), "--quiet", "--jobs", "2", "--out"],
            "newsframe --jobs 1": [sys.executable, "-m", "model", "score", str(src), "--quiet", "--out"],
            "sklearn tfidf+LR": [sys.executable, str(PEERS), "sklearn", str(work), str(src)],
            "fastText": [sys.executable, str(PEERS), "fasttext", str(work), str(src)],
        }
        where = dict.fromkeys(contenders, ROOT)
        if args.baseline:
            for jobs in ("2", "1"):
                name = f"newsframe baseline --jobs {jobs}"
                contenders[name] = contenders[f"newsframe --jobs {jobs}"]
                where[name] = args.baseline.resolve()
        if not _has("fasttext"):
            print("fastText is not installed (pip install -e '.[bench]'); measuring without it")
            del contenders["fastText"]
        names = list(contenders)
        results: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
        load = os.getloadavg()[0]  # other work on the machine slows every contender alike
        for r in range(args.rounds):
            for name in names[r % len(names):] + names[: r % len(names)]:
                out = work / "out.csv"
                seconds, peak, _ = measure(contenders[name] + [str(out)], where[name])
                _check_rows(out, args.rows)
                results[name].append((args.rows / seconds, peak))
        print(f"{args.rows:,} rows (AG News test rows repeated), {args.rounds} rounds alternating, "
              f"{os.cpu_count()} cores, load average before {load:.1f}; medians per whole process "
              "(start-up, CSV in and out included)")
        _print_table(results)

        if args.big:
            big = work / "big.csv"
            with open(big, "w", encoding="utf-8", newline="") as fh:
                for i in range(args.big // args.rows):
                    rows.to_csv(fh, index=False, header=i == 0)
            out = work / "big_out.csv"
            cmd = [sys.executable, "-m", "model", "score", str(big), "--quiet", "--jobs", "2", "--out", str(out)]
            seconds, peak, timeline = measure(cmd)
            _check_rows(out, args.big, chunked=True)
            print(f"\n{args.big:,} rows, newsframe --jobs 2: {args.big / seconds:,.0f} rows/s, {seconds:,.0f} s, "
                  f"peak RSS {peak / 2**20:,.0f} MB (process and workers)")
            print("RSS over the run (MB), every tenth of the time: "
                  + " ".join(f"{rss / 2**20:.0f}" for rss in _tenths(timeline)))
    return 0


def measure(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, list[tuple[float, float]]]:
    """Wall seconds, peak RSS in bytes (the process plus its children), and ``(t, rss)`` samples.

    ``python -m model`` imports the ``model`` package of ``cwd`` (first on its path).
    """
    import psutil

    env = {**os.environ, "PYTHONPATH": str(cwd)}
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd, env=env)
        timeline = []
        while proc.poll() is None:
            timeline.append((time.perf_counter() - start, _tree_rss(proc)))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed: {err.read().decode(errors='replace')[-2000:]}")
    return seconds, max((rss for _, rss in timeline), default=0.0), timeline


def _tree_rss(proc) -> float:
    import psutil

    total = 0
    try:
        for p in [proc, *proc.children(recursive=True)]:
            total += p.memory_info().rss
    except psutil.Error:  # a process ended while being read; the next sample counts it right
        pass
    return total


def _tenths(timeline: list[tuple[float, float]]) -> list[float]:
    end = timeline[-1][0] if timeline else 0.0
    return [max((rss for t, rss in timeline if k * end / 10 <= t <= (k + 1) * end / 10), default=0.0)
            for k in range(10)]


def _check_rows(path: Path, n: int, chunked: bool = False) -> None:
    import pandas as pd

    got = sum(len(c) for c in pd.read_csv(path, dtype=str, chunksize=100_000)) if chunked else len(pd.read_csv(path, dtype=str))
    if got != n:
        raise SystemExit(f"{path}: {got} rows written, expected {n}")


def _print_table(results: dict[str, list[tuple[float, float]]]) -> None:
    medians = {n: (statistics.median(r for r, _ in v), statistics.median(m for _, m in v)) for n, v in results.items()}
    peers = [n for n in medians if not n.startswith("newsframe")]
    width = max(22, *(len(n) + 2 for n in medians))
    print(f"{'':{width}}{'rows/s':>9}{'peak RSS MB':>13}" + "".join(f"{'nf / ' + p:>22}" for p in peers))
    for name, (rate, rss) in medians.items():
        ratios = "".join(f"{rate / medians[p][0]:>21.2f}x" for p in peers) if name.startswith("newsframe") else ""
        print(f"{name:{width}}{rate:>9,.0f}{rss / 2**20:>13,.0f}{ratios}")
    print("all runs (rows/s): " + "; ".join(f"{n}: " + ", ".join(f"{r:,.0f}" for r, _ in v) for n, v in results.items()))


def _has(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


if __name__ == "__main__":
    sys.exit(main())
