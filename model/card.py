"""The model card: what a bundle was trained on, under which terms, and how well it does."""

from __future__ import annotations

from pathlib import Path

from .core import MAX_CHARS, Model
from .attribution import TERMS as ATTRIBUTION_TERMS
from .corpora import DEV_FILES, recipe
from .labels import FRAME_DEFINITIONS, IPTC_CODES, TOPIC_NAMES



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
        + (f"a text of {model.config.topic_pool_min_sentences} or more sentences gets the mean of its sentences' topic "
           "probabilities, then the temperature; shorter texts are read as one bag of words (model.reading; training "
           "pools sentence vectors)." if model.config.topic_reading == "pooled"
           else "an article is read as one bag of words at prediction time (training pools sentence vectors)."),
        "- who said what: "
        + ("a CRF (CRFsuite) over spaCy's blank English tokenizer tags source, cue and content spans; "
           "used by `analyze(text, attribution=True)` with the `[attribution]` extra."
           if model.attribution is not None else "not in this bundle."),
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
        f"{model.config.topic_team_weight} (topic snippets) and {model.config.team_weight} (frame sentences). Public corpora (read from NEWSFRAME_DATA_DIR, never redistributed):",
        "",
    ]
    named = recipe()
    for task, info in m.get("training_data", {}).items():
        for name, n in info.get("sources", {}).items():
            terms = named.get(name, {}).get("terms") or (ATTRIBUTION_TERMS if task == "attribution" else "written by the newsframe team, MIT")
            dropped = info.get("left_out", {}).get(name)
            review = f" ({dropped:,} more left out: the team's data gives their label < {model.config.review_below}, model/review.py)" if dropped else ""
            lines.append(f"- {task}: `{name}`, {n:,} rows{review}; {terms}")
    lines += ["", "## Metrics (held-out; see docs/evaluation.md for how each was measured)", ""]
    for name, fig in m.get("metrics", {}).items():
        lines.append(f"- {name}: accuracy {fig['accuracy']:.3f}, macro-F1 {fig['macro_f1']:.3f}, n={fig['n']}")
        for lab, c in fig.get("per_class", {}).items():
            lines.append(f"  - {lab}: P {c['precision']:.2f} R {c['recall']:.2f} F1 {c['f1']:.2f} (n={c['support']})")
    priors = m.get("prior_correction")
    if priors:
        lines += ["", "## Class-prior correction on the development sets", "",
                  "Each head's class intercepts are shifted to the register of its development set (real news), "
                  "so the dev-set rows above are no longer fully held out. The honest figure is the 2-fold "
                  "estimate: shifts fitted on one half, scored on the other, 10 random splits.", "",
                  "| head | dev rows | accuracy before → after | macro-F1 before → after |", "|---|---|---|---|"]
        for task, r in priors.items():
            lines.append(f"| {task} | {r['n']} | {r['cv_accuracy_before']:.3f} → {r['cv_accuracy_after']:.3f} | "
                         f"{r['cv_macro_f1_before']:.3f} → {r['cv_macro_f1_after']:.3f} |")
        for task, r in priors.items():
            h = r.get("heldout")
            if h:
                lines += ["", f"Fully held out ({task}): shifts fitted on the other {h['n_fit']} dev rows only, scored on "
                          f"{h['n']} rows of `{DEV_FILES[task][0]}` (rows quoted in a data-writing brief are left out): "
                          f"accuracy {h['accuracy_before']:.3f} → {h['accuracy_after']:.3f}, "
                          f"macro-F1 {h['macro_f1_before']:.3f} → {h['macro_f1_after']:.3f}."]
    who = m.get("attribution_metrics")
    if who:
        lines += ["", f"## Who said what (PolNeAR {who['split']} split: {who['articles']} articles, "
                  f"{who['relations']} annotated relations)", "",
                  "| span | match | precision | recall | F1 |", "|---|---|---|---|---|"]
        for role in ("source", "cue"):
            for match in ("exact", "overlap"):
                f = who[role][match]
                lines.append(f"| {role} | {match} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} |")
    cross = m.get("cross_corpus")
    if cross:
        lines += ["", "## Cross-corpus evaluation (train on all corpora but one, test on the one left out)", "",
                  "| task | left-out corpus | cross acc | cross macro-F1 | cross ECE | in-domain acc | in-domain macro-F1 |",
                  "|---|---|---|---|---|---|---|"]
        for task, table in cross.items():
            for name, r in table.items():
                c, i = r["cross"], r["in_domain"]
                ind = f"{i['accuracy']:.3f} | {i['macro_f1']:.3f}" if i else "never trained on | "
                lines.append(f"| {task} | {name} | {c['accuracy']:.3f} | {c['macro_f1']:.3f} | {c['ece']:.3f} | {ind} |")
    lines += ["", "## Config", "", "```", *[f"{k} = {v}" for k, v in model.config.to_dict().items()], "```", ""]
    return "\n".join(lines)


def write_card(model: Model, bundle_path: str | Path) -> Path:
    path = Path(bundle_path).with_name("MODEL_CARD.md")
    path.write_text(render_card(model), encoding="utf-8")
    return path
