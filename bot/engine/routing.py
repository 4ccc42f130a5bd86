"""Ranks bundles for a free-text need from the catalogue's routing hints and NLU examples.

Ranking is Complement Naive Bayes over character 1–3-grams: trained by counting, so a
catalogue of thousands of bundles builds in seconds, and at query time only the columns of the
query's own n-grams are read. How well the text fits at all is a separate measure: cosine
similarity to each bundle's closest example, so that "帮我订外卖" finds nothing instead of the
least unlikely bundle. A bundle's `not_examples` say what must not route to it: a text closer
to one of them than to any of its examples is not offered that bundle.

Everything is built from the bundle files (and optional NLU examples) when the catalogue loads,
so a bundle added while the bot runs routes as soon as it is live, with no model training."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from bot.catalogue.catalogue import Catalogue
from bot.text.focus import FocusWords, focused
from bot.text.normalize import normalize

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_LATIN = re.compile(r"[a-z0-9]+")
_NOT_CJK = re.compile(r"[a-z0-9 ]+")
ALPHA = 3.0  # additive smoothing of the complement counts
SHARPNESS = 20.0  # softmax sharpness over mean per-n-gram evidence: ranks become shares
MIN_FIT = 0.07  # below this similarity to every bundle's closest example, nothing fits
MIN_SHARE = 0.15  # evidence spread this thin over the catalogue ("我要办事") points nowhere


@dataclass(frozen=True)
class Candidate:
    bundle_id: str
    name: str
    score: float  # share of the evidence, 0–1; candidates' scores need not sum to 1


def prepare(text: str, fillers: Optional[re.Pattern] = None, glosses: Optional[Dict[str, str]] = None) -> str:
    text = normalize(text).lower()
    if fillers is not None:
        text = fillers.sub("", text)
    text = _NOISE.sub(" ", text).strip()
    if glosses:
        # "公司要 close 掉": the English word alone weighs little against the Chinese n-grams
        # around it; its Chinese gloss (注销) carries the evidence the catalogue is written in.
        found = [_gloss(word, glosses) for word in _LATIN.findall(text)]
        text = " ".join([text, *(g for g in found if g)])
    return text


def _gloss(word: str, glosses: Dict[str, str]) -> Optional[str]:
    if word in glosses:
        return glosses[word]
    if word.endswith("s") and word[:-1] in glosses:  # plurals: licenses, cards
        return glosses[word[:-1]]
    return None


def features(prepared: str) -> List[str]:
    """Character 1–3-grams inside each run of Chinese text, plus whole Latin words: single
    letters of keyboard mashing ("asdfgh") must not look like "4S店" or "D级"."""
    out: List[str] = []
    for run in _NOT_CJK.split(prepared):
        for n in (1, 2, 3):
            out.extend(run[i:i + n] for i in range(len(run) - n + 1))
    out.extend(word for word in _LATIN.findall(prepared) if len(word) > 1 and not word.isdigit())
    return out


def _l2_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


@dataclass(frozen=True)
class _Closest:
    """Examples as unit TF-IDF columns, grouped by owning bundle for a per-bundle maximum."""

    examples_t: sparse.csr_matrix
    order: np.ndarray
    starts: np.ndarray
    start_owner: np.ndarray


class Router:
    def __init__(self, catalogue: Catalogue, extra_examples: Optional[Dict[str, List[str]]] = None) -> None:
        extra_examples = extra_examples or {}
        words = catalogue.vocabulary.labels.get("routing_fillers", {})
        self._fillers = (
            re.compile("|".join(map(re.escape, sorted(words.values(), key=len, reverse=True)))) if words else None
        )
        self._glosses = dict(catalogue.vocabulary.glosses)
        self._focus = FocusWords.from_labels(catalogue.vocabulary.labels.get("routing_focus", {}))
        self._ids: List[str] = []
        self._names: Dict[str, str] = {}
        docs: List[str] = []
        owners: List[int] = []
        unlike_docs: List[str] = []
        unlike_owners: List[int] = []
        for index, bundle in enumerate(catalogue.summaries.values()):
            for text in bundle.not_examples:
                prepared = prepare(text, self._fillers, self._glosses)
                if prepared:
                    unlike_docs.append(prepared)
                    unlike_owners.append(index)
            self._ids.append(bundle.id)
            self._names[bundle.id] = bundle.name
            texts = [
                bundle.name,
                bundle.short_name or "",
                *bundle.keywords,
                *bundle.examples,
                *extra_examples.get(bundle.id, []),
            ]
            for text in texts:
                prepared = prepare(text, self._fillers, self._glosses)
                if prepared:
                    docs.append(prepared)
                    owners.append(index)
        self._vectorizer = HashingVectorizer(
            analyzer=features,
            n_features=2**20,
            alternate_sign=False,
            norm=None,
        )
        n_bundles = len(self._ids)
        counts = self._vectorizer.transform(docs).tocsr()
        membership = sparse.csr_matrix(
            (np.ones(len(owners)), (np.asarray(owners), np.arange(len(owners)))),
            shape=(n_bundles, len(owners)),
        )
        # Complement Naive Bayes: per-bundle n-gram counts, their column totals, bundle totals.
        per_bundle = (membership @ counts).tocsc()
        self._per_bundle = per_bundle
        self._total_f = np.asarray(per_bundle.sum(axis=0)).ravel()
        bundle_totals = np.asarray(per_bundle.sum(axis=1)).ravel()
        seen_features = int((self._total_f > 0).sum())
        self._log_denominator = np.log(self._total_f.sum() - bundle_totals + ALPHA * seen_features)
        # Fit: cosine to each bundle's TF-IDF centroid.
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self._idf = np.log((1 + len(docs)) / (1 + df)) + 1.0
        self._examples = self._closest_index(counts, owners)
        self._unlike = (
            self._closest_index(self._vectorizer.transform(unlike_docs).tocsr(), unlike_owners)
            if unlike_docs else None
        )

    def _closest_index(self, counts: sparse.csr_matrix, owners: List[int]) -> _Closest:
        weighted = _l2_rows(counts.multiply(self._idf).tocsr())
        order = np.argsort(np.asarray(owners), kind="stable")
        sorted_owners = np.asarray(owners)[order]
        starts = np.flatnonzero(np.r_[True, sorted_owners[1:] != sorted_owners[:-1]])
        # n-grams × examples: a query reads only its own rows
        return _Closest(weighted.T.tocsr(), order, starts, sorted_owners[starts])

    def _query(self, text: str) -> Tuple[np.ndarray, np.ndarray]:
        # What the need is about: negated clauses and finished steps out, the goal twice.
        text = focused(normalize(text), self._focus)
        query = self._vectorizer.transform([prepare(text, self._fillers, self._glosses)])
        return query.indices, query.data

    def evidence(self, text: str) -> np.ndarray:
        """Mean log-evidence per n-gram for each bundle (higher is better)."""
        cols, values = self._query(text)
        known = self._total_f[cols] > 0
        cols, values = cols[known], values[known]
        if not len(cols):
            return np.zeros(len(self._ids))
        in_bundle = self._per_bundle[:, cols].toarray()
        complement = self._total_f[cols][None, :] - in_bundle + ALPHA
        score = np.log(complement) @ values  # low complement likelihood = this bundle's n-grams
        return (values.sum() * self._log_denominator - score) / values.sum()

    def fit(self, text: str) -> np.ndarray:
        """Cosine similarity to each bundle's closest example."""
        return self._similarity(text, self._examples)

    def unlike(self, text: str) -> np.ndarray:
        """Cosine similarity to each bundle's closest `not_examples` entry (0 without any)."""
        return self._similarity(text, self._unlike)

    def _similarity(self, text: str, index: Optional[_Closest]) -> np.ndarray:
        out = np.zeros(len(self._ids))
        if index is None:
            return out
        cols, values = self._query(text)
        weights = values * self._idf[cols]
        norm = np.sqrt((weights**2).sum())
        if norm == 0:
            return out
        per_example = (index.examples_t[cols].T @ (weights / norm)).ravel()
        out[index.start_owner] = np.maximum.reduceat(per_example[index.order], index.starts)
        return out

    def barred(self, text: str) -> List[str]:
        """Bundles whose `not_examples` keep this text away from them."""
        return [self._ids[i] for i in np.flatnonzero(self.unlike(text) > self.fit(text))]

    def route(self, text: str, limit: int = 3) -> List[Candidate]:
        """Best candidates first; empty when the text fits no bundle."""
        if not self._ids:
            return []
        fit = self.fit(text)
        barred = self.unlike(text) > fit
        fit[barred] = 0.0
        if fit.max(initial=0.0) < MIN_FIT:
            return []
        evidence = self.evidence(text)
        evidence[barred] = -np.inf
        shares = np.exp(SHARPNESS * (evidence - evidence.max()))
        shares /= shares.sum()
        if shares.max() < MIN_SHARE:
            return []
        top = [i for i in np.argsort(-evidence, kind="stable")[:limit] if not barred[i]]
        return [Candidate(self._ids[i], self._names[self._ids[i]], round(float(shares[i]), 4)) for i in top]

    def ranked(self, text: str) -> List[Tuple[str, float]]:
        evidence = self.evidence(text)
        order = np.argsort(-evidence, kind="stable")
        return [(self._ids[i], float(evidence[i])) for i in order]

    @property
    def bundle_ids(self) -> Sequence[str]:
        return self._ids
