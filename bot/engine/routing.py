"""Ranks bundles for a free-text need from the catalogue's routing hints (names, keywords, examples)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from bot.catalogue.catalogue import Catalogue
from bot.text.normalize import normalize

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_MIN_SCORE = 0.18
_KEYWORD_WEIGHT = 0.12


@dataclass(frozen=True)
class Candidate:
    bundle_id: str
    name: str
    score: float


def _prepare(text: str) -> str:
    return _NOISE.sub(" ", normalize(text).lower()).strip()


class Router:
    """Nearest example by character n-gram TF-IDF, plus a bonus for each routing keyword said."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._names: Dict[str, str] = {}
        docs: List[str] = []
        owners: List[int] = []
        self._ids: List[str] = []
        self._keywords: Dict[str, List[int]] = {}
        for index, bundle in enumerate(catalogue.bundles.values()):
            self._ids.append(bundle.id)
            self._names[bundle.id] = bundle.name
            texts = [bundle.name, bundle.short_name or "", *bundle.routing.examples]
            texts += [k for k in bundle.routing.keywords]
            for text in texts:
                prepared = _prepare(text)
                if prepared:
                    docs.append(prepared)
                    owners.append(index)
            for keyword in {bundle.name, bundle.short_name or "", *bundle.routing.keywords}:
                key = _prepare(keyword).replace(" ", "")
                if len(key) >= 2:
                    self._keywords.setdefault(key, []).append(index)
        self._max_kw = max((len(k) for k in self._keywords), default=2)
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb", ngram_range=(1, 3), n_features=2**20,
            alternate_sign=False, norm=None,
        )
        counts = self._vectorizer.transform(docs).tocsr()
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self._idf = np.log((1 + len(docs)) / (1 + df)) + 1.0
        weighted = counts.multiply(self._idf).tocsr()
        norms = np.sqrt(weighted.multiply(weighted).sum(axis=1)).A1
        norms[norms == 0] = 1.0
        self._docs = sparse.diags(1 / norms) @ weighted
        self._docs_t = self._docs.T.tocsr()  # rows are n-grams: a query touches only its own
        self._owners = np.asarray(owners)
        order = np.argsort(self._owners, kind="stable")
        self._order = order
        sorted_owners = self._owners[order]
        self._starts = np.flatnonzero(np.r_[True, sorted_owners[1:] != sorted_owners[:-1]])
        self._start_owner = sorted_owners[self._starts]

    def _similarity(self, text: str) -> np.ndarray:
        query = self._vectorizer.transform([text])
        cols, values = query.indices, query.data * self._idf[query.indices]
        norm = np.sqrt((values**2).sum())
        scores = np.zeros(len(self._ids))
        if norm == 0:
            return scores
        per_doc = (self._docs_t[cols].T @ (values / norm)).ravel()
        best = np.maximum.reduceat(per_doc[self._order], self._starts)
        scores[self._start_owner] = best
        return scores

    def _keyword_bonus(self, text: str) -> np.ndarray:
        compact = text.replace(" ", "")
        bonus = np.zeros(len(self._ids))
        seen: Dict[int, int] = {}
        n = len(compact)
        for size in range(min(self._max_kw, n), 1, -1):
            for start in range(0, n - size + 1):
                owners = self._keywords.get(compact[start:start + size])
                if owners:
                    for owner in owners:
                        seen[owner] = seen.get(owner, 0) + size
        for owner, chars in seen.items():
            bonus[owner] = _KEYWORD_WEIGHT * min(chars, 8) / 4
        return bonus

    def scores(self, text: str) -> np.ndarray:
        prepared = _prepare(text)
        if not prepared:
            return np.zeros(len(self._ids))
        return self._similarity(prepared) + self._keyword_bonus(prepared)

    def route(self, text: str, limit: int = 3) -> List[Candidate]:
        """Best candidates first; empty when nothing fits well enough."""
        scores = self.scores(text)
        if not len(scores):
            return []
        top = np.argsort(-scores, kind="stable")[:limit]
        return [
            Candidate(self._ids[i], self._names[self._ids[i]], round(float(min(scores[i], 1.0)), 4))
            for i in top
            if scores[i] >= _MIN_SCORE
        ]

    def ranked(self, text: str) -> List[Tuple[str, float]]:
        scores = self.scores(text)
        order = np.argsort(-scores, kind="stable")
        return [(self._ids[i], float(scores[i])) for i in order]

    @property
    def bundle_ids(self) -> Sequence[str]:
        return self._ids
