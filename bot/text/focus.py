"""What a need is about when it says more than one thing: "不算高层次人才，就是普通毕业生" is not
about talent (negated), "车已经上好牌了，跑运输还要办啥" not about the plate (a step already done).
Such clauses drop out before routing, unless nothing would be left. The words are data
(rules/vocabulary.yml `routing_focus`).

(Doubling the clause that states the goal was measured and dropped: "母亲过世了，社保卡要注销吗"
is still about the death, while "老板去世了，公司要注销" is about the company; the difference is
the bundle's own business, said by its `not_examples`.)"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Mapping

_CLAUSES = re.compile(r"[，,。；;！!？?\s]+")


@dataclass(frozen=True)
class FocusWords:
    negated: tuple  # a clause opening with these is what the person does NOT mean
    contrast: tuple  # "就是/而是/只是": splits "不是A，而是B" even without a comma
    done: tuple  # a step already taken
    goal: tuple  # what the person wants to do now: a clause with these is never dropped as done

    @classmethod
    def from_labels(cls, labels: Mapping[str, str]) -> FocusWords:
        def words(key: str) -> tuple:
            return tuple(sorted((w for w in labels.get(key, "").split("|") if w), key=len, reverse=True))

        return cls(words("negated"), words("contrast"), words("done"), words("goal"))


def clauses(text: str, words: FocusWords) -> List[str]:
    parts = [p for p in _CLAUSES.split(text) if p]
    out: List[str] = []
    for part in parts:
        for word in words.contrast:
            index = part.find(word, 1)
            if index > 0:
                out.extend([part[:index], part[index:]])
                break
        else:
            out.append(part)
    return [c for c in out if c]


def focused(text: str, words: FocusWords) -> str:
    """The need with its clauses weighed; the text unchanged when it is one clause, or when
    weighing would leave nothing."""
    found = clauses(text, words)
    if len(found) < 2:
        return text
    kept: List[str] = []
    for clause in found:
        if clause.startswith(words.negated):
            continue
        if _has(clause, words.done) and not _has(clause, words.goal):
            continue
        kept.append(clause)
    return " ".join(kept) if kept else text


def _has(clause: str, markers: tuple) -> bool:
    return any(m in clause for m in markers)
