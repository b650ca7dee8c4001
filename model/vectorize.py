"""Hashed tf-idf vectorizers for sentences (the frame head) and documents (the topic head).

Hashing keeps no vocabulary of corpus phrases in the shipped bundle and makes the bundle size
independent of the corpora. Every output is linear in the text's own feature counts, which is
what makes ``explain`` exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.utils import murmurhash3_32
from sklearn.utils.validation import check_is_fitted

from .features import Featurizer, Token, is_cue, tokenize
from .segment import split_sentences


class SentenceVectorizer(TransformerMixin, BaseEstimator):
    """Each input string is one sentence: hashed word features with sublinear tf-idf and L2 norm,
    then (when ``cue_features`` > 0) a block of binary cue features.

    Cue features (negation scope, lexicon classes, a hedge after a directive, question, quote) sit
    in their own block and are not normalised with the words: a denial cue in a 60-word sentence
    then weighs what it weighs in a 6-word one, instead of being diluted by every other word.
    """

    def __init__(
        self,
        featurizer: Featurizer | None = None,
        n_features: int = 2**18,
        cue_features: int = 0,
        cue_value: float = 1.0,
    ):
        self.featurizer = featurizer
        self.n_features = n_features
        self.cue_features = cue_features
        self.cue_value = cue_value

    @property
    def analyzer(self) -> Featurizer:
        """The featurizer in use (the default one when none was given)."""
        return self.featurizer or Featurizer()

    def _counts(self, sentences: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix | None]:
        return self._token_counts([tokenize(s) for s in sentences])

    def _token_counts(self, tokenized: Sequence[Sequence[Token]]) -> tuple[sp.csr_matrix, sp.csr_matrix | None]:
        """Hashed counts of the word block and (with ``cue_features``) of the cue block."""
        names = [self.analyzer.names(tokens) for tokens in tokenized]
        if not self.cue_features:
            return _hash([words + cues for words, cues in names], self.n_features), None
        return _hash([w for w, _ in names], self.n_features), _hash([c for _, c in names], self.cue_features)

    def fit(self, X: Sequence[str], y=None):
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(self._counts(self._sentences(X))[0])
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        return self.transform_sentences(list(X))

    def transform_sentences(self, sentences: Sequence[str]) -> sp.csr_matrix:
        return self.transform_tokens([tokenize(s) for s in sentences])

    def transform_tokens(self, tokenized: Sequence[Sequence[Token]]) -> sp.csr_matrix:
        """``transform_sentences`` of texts already run through ``tokenize``: one tokenization
        can then feed several vectorizers."""
        check_is_fitted(self, "tfidf_")
        if not tokenized:
            return sp.csr_matrix((0, self.n_features + self.cue_features))
        words, cues = self._token_counts(tokenized)
        X = self.tfidf_.transform(words)
        if cues is None:
            return X.tocsr()
        cues.data = np.full_like(cues.data, self.cue_value)
        return sp.hstack([X, cues], format="csr")

    def _sentences(self, X: Sequence[str]) -> list[str]:
        return list(X)

    def column(self, feature: str) -> int:
        """The column of one feature name in this vectorizer's output."""
        h = abs(murmurhash3_32(feature, seed=0))
        if self.cue_features and is_cue(feature):
            return self.n_features + h % self.cue_features
        return h % self.n_features


class DocumentVectorizer(SentenceVectorizer):
    """Each input string is a document, read as one bag of words (hashed tf-idf, L2 norm).

    Training sees documents differently: ``fit_transform`` returns the mean of each document's
    sentence vectors, and idf is counted over sentences. Training rows are mostly headlines and
    short items, so this changes little there, but on full articles (the team's development set)
    it beat bag-of-words training (docs/evaluation.md). At prediction the model usually hands this
    vectorizer one sentence at a time (``model.reading``); every output is linear in the input's
    own features, so explanations stay exact.
    """

    def _sentences(self, X: Sequence[str]) -> list[str]:
        return [doc[s:e] for doc in X for s, e in split_sentences(doc)]

    def fit_transform(self, X: Sequence[str], y=None, **fit_params) -> sp.csr_matrix:
        segmented = [[doc[s:e] for s, e in split_sentences(doc)] for doc in X]
        flat = [s for doc in segmented for s in doc]
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(self._counts(flat)[0])
        return (pooling_matrix([len(d) for d in segmented]) @ self.transform_sentences(flat)).tocsr()


def _hash(names: Sequence[Sequence[str]], n_features: int) -> sp.csr_matrix:
    """Count matrix of hashed names; (name, 1) pairs are what ``input_type="string"`` builds,
    here zipped in C instead of by a generator per name."""
    pairs = (zip(row, repeat(1)) for row in names)
    return FeatureHasher(n_features, input_type="pair", alternate_sign=False).transform(pairs).tocsr()


def pooling_matrix(lengths: Sequence[int]) -> sp.csr_matrix:
    """Row i averages the next ``lengths[i]`` sentence rows (an all-zero row where it is 0)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    weights = np.repeat(1.0 / np.maximum(lengths, 1), lengths)
    return sp.csr_matrix(
        (weights, (rows, np.arange(lengths.sum()))), shape=(len(lengths), int(lengths.sum()))
    )
