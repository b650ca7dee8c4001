"""``python -m model`` (also installed as ``newsframe``): thin commands over the public API.

Exit codes: 0 success; 1 unexpected internal error; 2 bad command-line usage; 3 bad input
file or argument; 4 model bundle missing, untrusted or incompatible; 5 bad training or
evaluation data; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .errors import COMMAND, InputError, NewsframeError

EXIT_CODES = """exit codes:
  0  success
  1  unexpected internal error (set NEWSFRAME_DEBUG=1 for the traceback)
  2  bad command-line usage
  3  bad input file or argument (missing, directory, empty, undecodable, missing column)
  4  model bundle missing, untrusted, damaged or incompatible
  5  bad training or evaluation data
  130 interrupted"""


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code instead of raising."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except NewsframeError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # last resort: one line, never a traceback unless asked
        if os.environ.get("NEWSFRAME_DEBUG"):
            raise
        print(f"internal error: {type(e).__name__}: {e} (set NEWSFRAME_DEBUG=1 for details)", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="newsframe: IPTC topics and per-sentence claim frames for news text, with the evidence.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from ._version import __version__

    parser.add_argument("--version", action="version", version=f"newsframe {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, epilog=EXIT_CODES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = command("analyze", "Analyze one text: topics, each sentence's frame, and the evidence.", _analyze)
    p.add_argument("file", nargs="?", default="-", help="a UTF-8 text file, or - for standard input (default)")
    p.add_argument("--json", action="store_true", help="print Analysis.to_dict() as JSON")
    p.add_argument("--attribution", action=argparse.BooleanOptionalAction, default=None,
                   help="who said what: each sentence's source, cue and content (default: on when the model "
                        "has a tagger and the [attribution] extra is installed)")
    _model_option(p)

    from .engines import ENGINES
    from .files import FORMATS

    p = command("score", "Score every row of a CSV, JSONL or Parquet file; writes all input columns plus the "
                "results, in input order. The output appears only when complete; an interrupted run continues "
                "with --resume.", _score)
    p.add_argument("input", help="a .csv, .jsonl or .parquet file (.csv.gz and .jsonl.gz too)")
    p.add_argument("--out", required=True, help="output file; format by extension unless --format")
    p.add_argument("--format", choices=FORMATS, help="format of --out (default: from its extension, else csv)")
    p.add_argument("--input-format", choices=FORMATS, help="format of INPUT (default: from its extension, else csv)")
    p.add_argument("--text-column", default="text", help="column holding the text (default: text)")
    p.add_argument("--id-column", help="column identifying each row, used as doc_id in --sentences "
                                       "(default: the 0-based row number)")
    p.add_argument("--sentences", metavar="FILE", help="also write one row per sentence: doc_id, sent_idx, start, "
                                                       "end, frame, p_<frame>... (format by extension, else as --out)")
    p.add_argument("--attribution", action="store_true", help="with --sentences: add who said what to each sentence "
                                                               "row (source, source_start, source_end, source_resolved, "
                                                               "cue); needs the [attribution] extra")
    p.add_argument("--chunk-size", type=int, default=2000, help="rows per chunk (default: 2000)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes on this machine, -1 for one per core (default: 1)")
    p.add_argument("--backend", choices=ENGINES, default="local", help="local (default) or dask (needs --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --backend dask: the scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run with the same input and options")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    _model_option(p)

    p = command("train", "Train a model from data/ and the named corpora, and save it.", _train)
    p.add_argument("--topics", action="append", metavar="SPEC",
                   help="topic corpus: a name in data/corpora.toml, a local file or hf:owner/name, "
                        "with ?text=COL&label=COL&map=NAME (repeatable; default: the recipe)")
    p.add_argument("--frames", action="append", metavar="SPEC", help="frame corpus, as --topics")
    p.add_argument("--no-team-data", action="store_true", help="leave out the team's own data in data/")
    p.add_argument("--no-attribution", action="store_true",
                   help="do not fit the who-said-what tagger (it needs PolNeAR and the [attribution] extra; about a minute)")
    p.add_argument("--profile", choices=["research", "commercial"],
                   help="commercial: leave out corpora whose terms forbid commercial use (default: research)")
    p.add_argument("--config", help="a JSON file of TrainConfig settings")
    p.add_argument("--out", help="where to write the .skops bundle")
    p.add_argument("--ship", action="store_true",
                   help="maintainers: write the shipped default (model/default/), its card, held-out metrics and pinned sha256")
    from .feedback import FEEDBACK_WEIGHT

    p.add_argument("--feedback", metavar="FILE",
                   help="corrections written by 'feedback export' (JSONL), added as training rows; each has sample "
                        f"weight {FEEDBACK_WEIGHT:g} (a corpus row has 1) and a text's latest correction wins")

    p = command("evaluate", "Per-class precision/recall/F1, confusion matrix and calibration on a labelled file, "
                "or --cross-corpus.", _evaluate)
    p.add_argument("file", nargs="?", help="a .csv or .jsonl file with a text column and a topic or frame column")
    p.add_argument("--cross-corpus", action="store_true",
                   help="train on all corpora but one and test on the one left out, for every corpus (slow)")
    p.add_argument("--sample", type=int, help="with --cross-corpus: rows per label per training corpus (quick run)")
    p.add_argument("--attribution", action="store_true",
                   help="precision/recall of source and cue spans on PolNeAR's test split (needs the [attribution] "
                        "extra; fits the tagger on the train split first unless --attribution-state is given)")
    p.add_argument("--attribution-state", metavar="FILE",
                   help="with --attribution: a tagger state saved by python -m model.attribution fit --out FILE")
    p.add_argument("--task", choices=["topics", "frames"], help="default: 'topics' if a topic column exists, else 'frames'")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", help="default: topic (topics) or frame (frames)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    _model_option(p)

    p = command("info", "Labels, training data, versions, metrics and the bundle's sha256.", _info)
    p.add_argument("--json", action="store_true")
    _model_option(p)

    p = command("feedback", "Export or delete the corrections saved from the app "
                "(NEWSFRAME_FEEDBACK_DB, default in your user data directory).", _feedback)
    p.add_argument("--db", metavar="PATH", help="the feedback database (default: NEWSFRAME_FEEDBACK_DB or the user data directory)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser("export", help="write every correction as JSONL {text, kind, predicted, corrected, model_sha256, ts}")
    q.add_argument("--out", required=True, help="the .jsonl file to write")
    actions.add_parser("purge", help="delete every stored correction")
    return parser


def _model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="PATH", help="a .skops bundle (default: the shipped model)")


def _load(args):
    from .bundle import load_model

    return load_model(args.model)


def _analyze(args) -> int:
    from .files import read_stdin, read_text

    text = read_stdin() if args.file == "-" else read_text(args.file)
    model = _load(args)
    who = model.has_attribution if args.attribution is None else args.attribution
    analysis = model.analyze(text, attribution=who)
    if args.attribution is None and model.attribution is not None and not who:
        print("note: who said what is left out: it needs the [attribution] extra "
              "(pip install -c constraints.txt -e '.[attribution]')", file=sys.stderr)
    if args.json:
        print(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_analysis(analysis, text))
    return 0


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10)) | {127: None} | dict.fromkeys(range(0x80, 0xA0))


def render_analysis(analysis, text: str) -> str:
    """The human-readable form of an ``Analysis``; control characters never reach the terminal."""
    return _render(analysis, text).translate(_CONTROL)


def _render(analysis, text: str) -> str:
    from .labels import TOPIC_NAMES

    lines = [f"Topic: {TOPIC_NAMES[analysis.topic]} ({analysis.topic}, {analysis.topics[0].probability:.2f})"]
    lines += [f"  then {t.label} {t.probability:.2f}" for t in analysis.topics[1:3]]
    if analysis.also:
        lines.append("  also: " + ", ".join(f"{t.label} ({t.probability:.2f})" for t in analysis.also))
    if analysis.uncertain:
        lines.append("  (uncertain: no topic is clearly ahead)")
    lines += [f"warning: {w}" for w in analysis.warnings]
    words = ", ".join(text[s.start:s.end] for s in analysis.topic_evidence[:8])
    if words:
        lines.append(f"  because of: {words}")
    counts = analysis.frame_counts()
    lines += ["", "Frames: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v), ""]
    for s in analysis.sentences:
        cue = ", ".join(text[e.start:e.end] for e in s.evidence[:3])
        lines.append(f"[{s.frame:<12} {s.probs[s.frame]:.2f}] {' '.join(s.text.split())}")
        if cue and s.frame != "neutral":
            lines.append(f"{'':16}evidence: {cue}")
        who = _who(s)
        if who:
            lines.append(f"{'':16}{who}")
    return "\n".join(lines)


def _who(s) -> str:
    """'who: Peskov (said)': a sentence's source, what a pronoun stands for, and its cue."""
    if s.source is None and not s.cue:
        return ""
    source = " ".join(s.source.text.split()) if s.source else "(no source)"
    if s.source_resolved is not None:
        source += f" = {' '.join(s.source_resolved.text.split())}"
    cue = " ... ".join(" ".join(c.text.split()) for c in s.cue)
    return f"who: {source}" + (f" ({cue})" if cue else "")


def _score(args) -> int:
    from .batch import score_file

    model = _load(args)
    n = score_file(model, args.input, args.out, text_column=args.text_column, id_column=args.id_column,
                   sentences_path=args.sentences, attribution=args.attribution, input_format=args.input_format, output_format=args.format,
                   chunk_size=args.chunk_size, jobs=args.jobs, backend=args.backend, scheduler=args.scheduler,
                   resume=args.resume, progress=not args.quiet)
    sentences = f", {n['sentences']} sentences -> {args.sentences}" if args.sentences else ""
    print(f"scored {n['rows']} rows ({n['errors']} with an error) -> {args.out}{sentences}", file=sys.stderr)
    return 0


def _train(args) -> int:
    from dataclasses import replace

    from .config import TrainConfig
    from .train import train

    config = TrainConfig()
    if args.config:
        from .files import read_text

        try:
            config = TrainConfig.from_dict(json.loads(read_text(args.config)))
        except (json.JSONDecodeError, ValueError, TypeError) as e:
            raise InputError(f"{args.config}: not a valid TrainConfig JSON ({e}).") from e
    if args.topics:
        config = replace(config, topic_corpora=tuple(args.topics))
    if args.frames:
        config = replace(config, frame_corpora=tuple(args.frames))
    if args.no_team_data:
        config = replace(config, team_data=False)
    if args.no_attribution:
        config = replace(config, attribution=False)
    if args.profile:
        config = replace(config, profile=args.profile)
    if not args.out and not args.ship:
        raise InputError(f"train needs --out PATH (for example: {COMMAND} train --out my-model.skops).")
    t0 = time.perf_counter()
    extra = {}
    if args.feedback:
        from .feedback import read_feedback

        extra["extra_topics"], extra["extra_frames"] = read_feedback(args.feedback)
    model = train(config, **extra)
    if args.ship:
        from .bundle import ship_default

        out = ship_default(model, log=sys.stderr)
    else:
        out = Path(args.out)
        model.save(out)
    size = out.stat().st_size / 1e6
    print(f"saved {out} ({size:.1f} MB, sha256 {model.manifest['sha256']}) in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return 0


def _evaluate(args) -> int:
    from .evaluate import evaluate, format_report
    from .files import iter_table

    import pandas as pd

    if args.cross_corpus:
        return _cross_corpus(args)
    if args.attribution:
        return _attribution(args)
    if not args.file:
        raise InputError(f"evaluate needs a labelled FILE or --cross-corpus (see: {COMMAND} evaluate --help).")

    frame = pd.concat(list(iter_table(args.file)), ignore_index=True)
    task = args.task or ("topics" if "topic" in frame.columns else "frames")
    label_col = args.label_column or ("topic" if task == "topics" else "frame")
    missing = [c for c in (args.text_column, label_col) if c not in frame.columns]
    if missing:
        raise InputError(
            f"{args.file} needs columns {[args.text_column, label_col]}; found {list(frame.columns)}. "
            "Pass --text-column/--label-column."
        )
    result = evaluate(_load(args), frame[args.text_column].tolist(), frame[label_col].tolist(), task)
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return 0


def _attribution(args) -> int:
    from .attribution import main as attribution_main

    state = ["--state", args.attribution_state] if args.attribution_state else []
    return attribution_main(["evaluate", *state, *(["--json"] if args.json else [])])


def _cross_corpus(args) -> int:
    from .crosscorpus import cross_corpus, format_table

    tasks = [args.task] if args.task else ["topics", "frames"]
    results = {t: cross_corpus(t, sample=args.sample, log=None if args.json else sys.stderr) for t in tasks}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n\n".join(format_table(t, r) for t, r in results.items()))
    return 0


def _info(args) -> int:
    model = _load(args)
    info = model.info()
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"newsframe model {info['sha256']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    print(f"topics ({len(info['topics'])}): " + ", ".join(info["topics"]))
    print(f"frames ({len(info['frames'])}): " + ", ".join(info["frames"]))
    for task, data in info["training_data"].items():
        print(f"training data, {task}: " + ", ".join(f"{k} ({v})" for k, v in data.get("sources", {}).items()))
    for name, figures in info["metrics"].items():
        print(f"metrics, {name}: accuracy {figures.get('accuracy')}, macro-F1 {figures.get('macro_f1')} (n={figures.get('n')})")
    return 0


def _feedback(args) -> int:
    from .feedback import FeedbackStore

    store = FeedbackStore(args.db)
    if args.action == "export":
        n = store.export(args.out)
        print(f"exported {n} correction(s) from {store.path} -> {args.out}", file=sys.stderr)
    else:
        n = store.purge()
        print(f"deleted {n} correction(s) from {store.path}", file=sys.stderr)
    return 0
