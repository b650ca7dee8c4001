"""Who said what: the source, cue and content of every attributed claim, sentence by sentence.

``AttributionTagger`` is a linear-chain CRF (CRFsuite through ``python-crfsuite``) that tags
source, cue and content chunks with BIO tags over spaCy's blank English tokenizer, with a
rule-based spaCy ``Matcher`` (reporting verbs, "according to", "in a statement", passive
"by") as features (``model.attribution_features``). It is trained on PolNeAR's train split.
Chunks become relations and relations reach the sentences they attribute, across sentences
where news does (``model.attribution_link``); pronoun and "the spokesman" sources are
resolved to an earlier named mention (``model.attribution_resolve``).

Why a CRF: it learns PolNeAR's span conventions (where a source starts, what counts as the
cue) that a heap of rules would only approximate; it tags a 1,000-word article in about 20 ms
on one core, less than ``Model.analyze`` takes; and the whole model is one CRFsuite file of
3.6 MB (1.6 MB deflated in a bundle), kept as bytes in the state.

spaCy and CRFsuite are imported only when a tagger is fitted or first used.

Run ``python -m model.attribution evaluate`` for the PolNeAR test figures (docs/attribution.md);
``python -m model.attribution fit --out FILE`` saves a fitted state for ``evaluate --state FILE``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .attribution_eval import evaluate_attribution, format_attribution_report
from .attribution_features import TAGS, Featurizer, Sentence, bio_tags
from .attribution_link import Relation, by_sentence, chunks, sentence_relations
from .attribution_polnear import GoldArticle, read_split
from .attribution_resolve import resolve
from .errors import DataError, IncompatibleModelError, InputError, NewsframeError
from .results import Mention
from .segment import split_sentences

__all__ = ["AttributionTagger", "evaluate_attribution", "format_attribution_report"]

TERMS = "PolNeAR (Newell et al. 2018): no licence stated; research and in-house use"
"""The terms of the tagger's training data, for the model card and ``--profile commercial``."""

STATE_FORMAT = 1
DEFAULT_PARAMS: dict[str, float | int] = {"c1": 0.5, "c2": 0.01, "max_iterations": 100, "min_freq": 3}
"""CRF settings, chosen on PolNeAR's dev split (docs/attribution.md)."""


class AttributionTagger:
    """Tags who said what in news text; fit on PolNeAR, saved as plain state.

    Examples
    --------
    >>> tagger = AttributionTagger()
    >>> tagger.fitted
    False
    """

    def __init__(self, crf: bytes | None = None, params: dict[str, float | int] | None = None):
        self._crf = crf
        self.params = {**DEFAULT_PARAMS, **(params or {})}
        self._featurizer = Featurizer()
        self._tagger = None
        self._lock = threading.Lock()
        self.trained_articles: int | None = None
        """How many PolNeAR train articles ``fit`` read (None for a tagger rebuilt from state)."""

    def __getstate__(self) -> dict[str, Any]:
        """Pickle (joblib and Dask workers) as the CRF's bytes and the settings; the spaCy
        pipeline, CRFsuite tagger and lock are rebuilt on first use in the new process."""
        return {"crf": self._crf, "params": self.params, "trained_articles": self.trained_articles}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["crf"], state["params"])
        self.trained_articles = state["trained_articles"]

    @property
    def fitted(self) -> bool:
        """Whether the tagger holds a trained CRF."""
        return self._crf is not None

    def fit(
        self, polnear: str | Path | None = None, *, limit: int | None = None, verbose: bool = False
    ) -> AttributionTagger:
        """Train the CRF on PolNeAR's train split (never dev or test).

        Parameters
        ----------
        polnear : str or Path, optional
            The PolNeAR archive (``.tar.gz``) or the directory it was extracted to; default
            ``NEWSFRAME_DATA_DIR/polnear/polnear_v1.0.0_text_attributions.tar.gz``.
        limit : int, optional
            Train on ``limit`` train articles only, evenly spaced (quick fits in tests).
        verbose : bool, default=False
            Print CRFsuite's training log.

        Returns
        -------
        AttributionTagger
            ``self``, fitted.

        Raises
        ------
        DataError
            When PolNeAR cannot be found or holds no annotated article.
        """
        import pycrfsuite

        trainer = pycrfsuite.Trainer(verbose=verbose)
        articles = read_split("train", polnear, limit)
        for article in articles:
            for sentence, tags in self._gold_sequences(article):
                trainer.append(sentence.features, tags)
        self.trained_articles = len(articles)
        trainer.set_params(
            {
                "c1": float(self.params["c1"]),
                "c2": float(self.params["c2"]),
                "max_iterations": int(self.params["max_iterations"]),
                "feature.minfreq": float(self.params["min_freq"]),
                "feature.possible_transitions": True,
            }
        )
        handle, path = tempfile.mkstemp(suffix=".crfsuite")
        os.close(handle)
        try:
            trainer.train(path)
            self._crf = Path(path).read_bytes()
        finally:
            os.unlink(path)
        self._tagger = None
        return self

    def _gold_sequences(self, article: GoldArticle):
        """Each sentence's features and gold BIO tags."""
        roles = []
        for k, rel in enumerate(article.relations):
            roles += [("SRC", 3 * k, s, e) for s, e in rel.source]
            roles += [("CUE", 3 * k + 1, s, e) for s, e in rel.cue]
            roles += [("CON", 3 * k + 2, s, e) for s, e in rel.content]
        for sentence in self._featurizer.sentences(article.text, split_sentences(article.text)):
            if sentence.tokens:
                near = [r for r in roles if r[2] < sentence.end and sentence.start < r[3]]
                yield sentence, bio_tags(sentence, near)

    def _crf_tagger(self):
        if self._crf is None:
            raise DataError(
                "This AttributionTagger is not fitted. Fit it with AttributionTagger().fit() "
                "(needs PolNeAR under NEWSFRAME_DATA_DIR/polnear/) or load one with from_state()."
            )
        if self._tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self._crf)
            self._tagger = tagger
        return self._tagger

    def relations(
        self, text: str, sentence_spans: Sequence[tuple[int, int]] | None = None
    ) -> tuple[list[Sentence], list[Relation]]:
        """Every attribution relation the CRF finds (a sentence may hold several).

        Parameters
        ----------
        text : str
            The article.
        sentence_spans : sequence of (start, end), optional
            Sentence offsets into ``text``; default ``model.segment.split_sentences(text)``.

        Returns
        -------
        sentences : list of Sentence
            The featurized sentences, one per span.
        relations : list of Relation
            In article order; ``Relation.sentence`` indexes ``sentences``.
        """
        spans = split_sentences(text) if sentence_spans is None else list(sentence_spans)
        sentences = self._featurizer.sentences(text, spans)
        relations: list[Relation] = []
        with self._lock:  # a CRFsuite tagger holds the sequence it is tagging
            tagger = self._crf_tagger()
            for i, sentence in enumerate(sentences):
                if sentence.tokens:
                    relations += sentence_relations(i, sentence, chunks(tagger.tag(sentence.features)), text)
        return sentences, relations

    def predict(self, text: str, sentence_spans: Sequence[tuple[int, int]]) -> list[dict[str, Any]]:
        """Who said what in each sentence.

        Parameters
        ----------
        text : str
            The article.
        sentence_spans : sequence of (start, end)
            Sentence offsets into ``text`` (``model.segment.split_sentences``), one output each.

        Returns
        -------
        list of dict
            One dict per sentence with ``source`` (``Mention`` or None, as written: a pronoun
            stays a pronoun), ``source_resolved`` (the earlier named ``Mention`` a pronoun or
            "the spokesman" refers to, else None), ``cue`` (tuple of ``Mention``) and
            ``content`` (``Mention`` or None). Offsets are ``str`` indices into ``text``.
        """
        sentences, relations = self.relations(text, sentence_spans)
        links = by_sentence(text, sentences, relations)
        mentions = sorted({(r.sentence, r.source) for r in relations if r.source}, key=lambda m: m[1])
        antecedents = resolve(text, mentions, [(s.start, s.end) for s in sentences])
        out = []
        for relation, content in links:
            if relation is None:
                out.append({"source": None, "source_resolved": None, "cue": (), "content": None})
                continue
            resolved = antecedents.get(relation.source) if relation.source else None
            out.append(
                {
                    "source": _mention(text, relation.source),
                    "source_resolved": _mention(text, resolved),
                    "cue": tuple(_mention(text, part) for part in relation.cue),
                    "content": _mention(text, content),
                }
            )
        return out

    def info(self) -> dict[str, Any]:
        """What the tagger is, JSON-ready: its settings, tag set and model size."""
        return {"params": dict(self.params), "tags": list(TAGS), "crf_bytes": len(self._crf or b"")}

    def to_state(self) -> dict[str, Any]:
        """Plain state for the model bundle: the CRFsuite model file's bytes and the settings.

        Holds only str, int, float, bytes, lists and dicts, so the bundle's trusted-types
        loading needs nothing new.
        """
        if self._crf is None:
            raise DataError("Cannot save an unfitted AttributionTagger; fit it first with AttributionTagger().fit().")
        return {"format": STATE_FORMAT, "tags": list(TAGS), "params": dict(self.params), "crf": bytes(self._crf)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> AttributionTagger:
        """Rebuild a tagger from :meth:`to_state` output.

        Raises
        ------
        IncompatibleModelError
            When the state was written by another format or tag set than this version reads.
        """
        missing = sorted({"format", "tags", "params", "crf"} - set(state))
        if missing:
            raise IncompatibleModelError(
                f"Attribution state needs keys ['crf', 'format', 'params', 'tags']; missing {missing}. "
                "Refit the tagger with AttributionTagger().fit() and save it again."
            )
        if state["format"] != STATE_FORMAT or list(state["tags"]) != list(TAGS):
            raise IncompatibleModelError(
                f"Attribution state format {state['format']!r} with tags {list(state['tags'])} cannot be read "
                f"by this version (format {STATE_FORMAT}, tags {list(TAGS)}). Refit with AttributionTagger().fit()."
            )
        return cls(crf=bytes(state["crf"]), params=dict(state["params"]))


EXTRA_MODULES = ("spacy", "pycrfsuite")


def extra_missing() -> list[str]:
    """The modules of the ``[attribution]`` extra that are not installed (found, not imported)."""
    from importlib.util import find_spec

    return [name for name in EXTRA_MODULES if find_spec(name) is None]


def require_extra() -> None:
    """Fail with the install command when spaCy or CRFsuite is missing, before any work starts.

    Raises
    ------
    InputError
        When the ``[attribution]`` extra is not installed.
    """
    missing = extra_missing()
    if missing:
        raise InputError(
            f"Who said what needs spaCy and CRFsuite; {', '.join(missing)} is not installed. "
            "Install the extra: pip install -c constraints.txt -e '.[attribution]'"
        )


def _mention(text: str, part: tuple[int, int] | None) -> Mention | None:
    return Mention(part[0], part[1], text[part[0] : part[1]]) if part else None


def save_state(state: dict[str, Any], path: str | Path) -> None:
    """Write :meth:`AttributionTagger.to_state` to an ``.npz`` file (no pickle: bytes and JSON)."""
    import numpy as np

    meta = json.dumps({k: v for k, v in state.items() if k != "crf"})
    np.savez(path, crf=np.frombuffer(state["crf"], dtype=np.uint8), meta=np.array(meta))


def load_state(path: str | Path) -> dict[str, Any]:
    """Read a file written by :func:`save_state`, refusing pickled content.

    Raises
    ------
    InputError
        When the file is missing or is not a saved attribution state.
    """
    import numpy as np

    fix = f"Save one with: python -m model.attribution fit --out {path}"
    if not Path(path).is_file():
        raise InputError(f"No attribution state at {str(path)!r}. {fix}")
    try:
        with np.load(path, allow_pickle=False) as data:
            return {**json.loads(str(data["meta"])), "crf": data["crf"].tobytes()}
    except (OSError, ValueError, KeyError) as e:
        raise InputError(f"{str(path)!r} is not an attribution state (an .npz of 'crf' and 'meta'). {fix}") from e


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m model.attribution {fit,evaluate}``: fit on PolNeAR train, score on a split."""
    parser = argparse.ArgumentParser(prog="python -m model.attribution", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fit = commands.add_parser("fit", help="fit on PolNeAR's train split and save the state")
    fit.add_argument("--out", required=True, help="where to write the state (.npz)")
    evaluate = commands.add_parser("evaluate", help="precision and recall of sources and cues on a PolNeAR split")
    evaluate.add_argument("--state", help="a state saved by 'fit'; without it, fit on the train split first")
    evaluate.add_argument("--split", default="test", choices=["test", "dev"], help="default: test")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    for sub in (fit, evaluate):
        sub.add_argument("--polnear", help="PolNeAR archive or directory (default under NEWSFRAME_DATA_DIR)")
        sub.add_argument("--train-limit", type=int, help="fit on N evenly spaced train articles only")
    args = parser.parse_args(argv)
    try:
        if args.command == "evaluate" and args.state:
            tagger = AttributionTagger.from_state(load_state(args.state))
        else:
            tagger = AttributionTagger().fit(args.polnear, limit=args.train_limit)
        if args.command == "fit":
            save_state(tagger.to_state(), args.out)
            print(f"saved {args.out} (CRF {len(tagger.to_state()['crf']):,} bytes)")
            return 0
        result = evaluate_attribution(tagger, args.split, args.polnear)
    except NewsframeError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    print(json.dumps(result, indent=2) if args.json else format_attribution_report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
