"""The model card: what a bundle was trained on, under which terms, and how well it does."""

from __future__ import annotations

from pathlib import Path

from .core import MAX_CHARS, Model
from .labels import FRAME_DEFINITIONS, IPTC_CODES, TOPIC_NAMES

TERMS = {
    "huffpost": "HuffPost News Category (Misra 2022), CC BY 4.0",
    "nyt_cap": "NYT front page / Comparative Agendas Project (Boydstun 2013), research use with citation",
    "ag_news": "AG News (Zhang et al. 2015), research and non-commercial use",
    "20newsgroups": "20 Newsgroups (Lang; Rennie bydate), no formal licence, long freely redistributed",
    "polnear_frames": "PolNeAR (Newell et al. 2018), no licence stated, research and in-house use",
    "polnear_neutral": "PolNeAR (Newell et al. 2018), no licence stated, research and in-house use",
    "hedge": "CoNLL-2010 Wikipedia hedge/weasel, research use",
}


def render_card(model: Model) -> str:
    """Markdown for ``MODEL_CARD.md``, from the model's manifest (call after ``save``)."""
    m = model.manifest
    lines = [
        "# newsframe default model",
        "",
        f"- sha256: `{m.get('sha256', 'unsaved')}`",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()),
        f"- length cap: {MAX_CHARS:,} characters (longer text is truncated and flagged)",
        "- heads: topics and frames are each a multinomial logistic regression over hashed tf-idf "
        "features (word 1-2-grams and stems for topics, 1-3-grams, stems and cue features for frames); "
        "an article is read as one bag of words at prediction time (training pools sentence vectors).",
        "",
        "## Labels",
        "",
        "| topic | IPTC code | plain words |",
        "|---|---|---|",
        *[f"| {k} | {IPTC_CODES[k]} | {v} |" for k, v in TOPIC_NAMES.items()],
        "",
        "| frame | meaning |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in FRAME_DEFINITIONS.items()],
        "",
        "## Training data and its terms",
        "",
        "The team's own sentences and snippets in `data/` (MIT, like the code) carry sample weight "
        f"{model.config.team_weight}. Public corpora (read from NEWSFRAME_DATA_DIR, never redistributed):",
        "",
    ]
    for task, info in m.get("training_data", {}).items():
        for name, n in info.get("sources", {}).items():
            lines.append(f"- {task}: `{name}`, {n:,} rows; {TERMS.get(name, 'the team (data/), MIT')}")
    lines += ["", "## Metrics (held-out; see docs/evaluation.md for how each was measured)", ""]
    for name, fig in m.get("metrics", {}).items():
        lines.append(f"- {name}: accuracy {fig['accuracy']:.3f}, macro-F1 {fig['macro_f1']:.3f}, n={fig['n']}")
        for lab, c in fig.get("per_class", {}).items():
            lines.append(f"  - {lab}: P {c['precision']:.2f} R {c['recall']:.2f} F1 {c['f1']:.2f} (n={c['support']})")
    lines += ["", "## Config", "", "```", *[f"{k} = {v}" for k, v in model.config.to_dict().items()], "```", ""]
    return "\n".join(lines)


def write_card(model: Model, bundle_path: str | Path) -> Path:
    path = Path(bundle_path).with_name("MODEL_CARD.md")
    path.write_text(render_card(model), encoding="utf-8")
    return path
