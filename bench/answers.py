"""`python -m bench answers`: free answers taken as a clerk would take them, per kind of answer.

Each person in bench/data/answers/<bundle>.yml walks the questionnaire twice at the engine
level: once clicking buttons (the recorded values), once answering every question asked in
their own words through `Engine.read_reply` (a reply may answer several questions; a reply not
understood is followed by the button, as the person would do). Printed: first-try acceptance and
answers recorded wrong per kind, conversations whose outcome (items, materials, conditional
lines) differs from the button run, corrections mapped to the right answer, replies that fit no
option, first messages, and the cost of one interpretation. The set was written for P7 before
any tuning and is not used for training or for word lists.

Options: --data DIR (default bench/data/answers), --show (print every miss and wrong answer)."""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bench.common import ROOT, heading, summary_ms, table, verdict, write_record
from bot.catalogue import load_catalogue
from bot.engine import UNKNOWN, Engine, Facts, anonymous
from bot.engine.outcome import Outcome
from bot.text.normalize import normalize_text

TODAY = date(2026, 11, 21)
DATA = ROOT / "bench" / "data" / "answers"
TARGET_ACCEPTED = 97.0
MAX_STEPS = 40
LONG_MESSAGE = "廈門 辦理\u200b１２３ " * 1000  # 10,000 characters of what normalising has to rewrite
TARGET_LONG_MESSAGE_MS = 200.0


def _value(raw: Any) -> Any:
    return UNKNOWN if raw == "unknown" else raw


def _facts(spec: Optional[Dict[str, Any]]) -> Facts:
    if not spec:
        return Facts(values={**anonymous().values}, identity={}, licences={}, today=TODAY)
    licences = {lic: {} for lic in spec.get("e_licences", [])}
    values = {**anonymous().values, **spec, "e_licences": sorted(licences), "logged_in": bool(licences)}
    return Facts(values=values, identity={}, licences=licences, today=TODAY)


def _signature(outcome: Outcome) -> Tuple:
    return (
        tuple(sorted(i.item_id for i in outcome.items)),
        tuple(sorted((m.material_id, m.status) for m in outcome.materials)),
        tuple(sorted((c.question_id, str(c.value), tuple(c.items), tuple(c.materials)) for c in outcome.conditional)),
    )


class Tally:
    def __init__(self) -> None:
        self.asked: Dict[str, int] = defaultdict(int)
        self.accepted: Dict[str, int] = defaultdict(int)
        self.wrong: Dict[str, int] = defaultdict(int)
        self.also_expected = 0
        self.also_found = 0
        self.also_wrong = 0
        self.extra_unchecked = 0
        self.conversations = 0
        self.differ = 0
        self.missing_replies = 0
        self.costs: List[float] = []
        self.correction_costs: List[float] = []
        self.notes: List[str] = []


def _button_run(engine: Engine, bundle_id: str, person: Dict[str, Any], facts: Facts) -> Dict[str, Any]:
    answers: Dict[str, Any] = {}
    for _ in range(MAX_STEPS):
        step = engine.next_question(bundle_id, answers, facts)
        if step.done:
            break
        reply = person["replies"].get(step.question.id)
        if reply is None:
            raise KeyError(f"{bundle_id}/{person['name']}: no reply for {step.question.id}")
        answers = engine.set_answer(bundle_id, answers, step.question.id, _value(reply["value"]), facts)
    return answers


def _free_run(engine: Engine, bundle_id: str, person: Dict[str, Any], facts: Facts, tally: Tally) -> Dict[str, Any]:
    replies = person["replies"]
    answers: Dict[str, Any] = {}
    where = f"{bundle_id}/{person['name']}"
    if person.get("first_message"):
        stated = engine.extract_answers(bundle_id, person["first_message"])
        for qid, value in stated.items():
            truth = replies.get(qid)
            if truth is not None and value != _value(truth["value"]):
                tally.wrong["first_message"] += 1
                tally.notes.append(f"WRONG first message {where}: {qid}={value!r}, clerk: {truth['value']!r}")
            answers = engine.set_answer(bundle_id, answers, qid, value, facts)
        expected = person.get("first_expect") or {}
        tally.asked["first_message"] += len(expected)
        tally.accepted["first_message"] += sum(1 for q, v in expected.items() if stated.get(q) == _value(v))
    for _ in range(MAX_STEPS):
        step = engine.next_question(bundle_id, answers, facts)
        if step.done:
            break
        qid = step.question.id
        reply = replies.get(qid)
        if reply is None:
            tally.missing_replies += 1
            tally.notes.append(f"MISSING reply {where}: {qid}")
            break
        kind = reply.get("kind", "own_words")
        tally.asked[kind] += 1
        started = time.perf_counter()
        reading = engine.read_reply(bundle_id, qid, str(reply["say"]), answers, facts, TODAY)
        tally.costs.append(time.perf_counter() - started)
        truth = _value(reply["value"])
        if reading.miss is not None:
            tally.notes.append(f"miss {where}: {qid} «{reply['say']}» → {reading.miss.reason}")
            answers = engine.set_answer(bundle_id, answers, qid, truth, facts)
            continue
        tally.accepted[kind] += 1
        for other, understood in reading.answers.items():
            expected = _value(replies[other]["value"]) if other in replies else None
            if other == qid:
                if understood.value != truth:
                    tally.wrong[kind] += 1
                    tally.notes.append(f"WRONG {where}: {qid} «{reply['say']}» → {understood.value!r}, "
                                       f"clerk: {truth!r}")
            elif other in replies:
                if understood.value != expected:
                    tally.also_wrong += 1
                    tally.notes.append(f"WRONG also {where}: «{reply['say']}» → {other}={understood.value!r}, "
                                       f"clerk: {expected!r}")
            else:
                tally.extra_unchecked += 1
            answers = engine.set_answer(bundle_id, answers, other, understood.value, facts)
        for other, value in (reply.get("also") or {}).items():
            tally.also_expected += 1
            got = reading.answers.get(other)
            if got is not None and got.value == _value(value):
                tally.also_found += 1
            else:
                tally.notes.append(f"also missed {where}: «{reply['say']}» → {other}")
    return answers


def _corrections(engine: Engine, bundle_id: str, cases: List[Dict[str, Any]], tally: Tally) -> Tuple[int, int]:
    right = 0
    for case in cases:
        answers: Dict[str, Any] = {}
        for qid, value in case["answers"].items():
            answers = engine.set_answer(bundle_id, answers, qid, _value(value), anonymous())
        started = time.perf_counter()
        reading = engine.correct(bundle_id, answers, case["say"], today=TODAY, recent=list(case["answers"]))
        tally.correction_costs.append(time.perf_counter() - started)
        wanted = {q: _value(v) for q, v in case["changes"].items()}
        if reading.values == wanted:
            right += 1
        else:
            tally.notes.append(f"correction {bundle_id}: «{case['say']}» → {reading.values or reading.miss}, "
                               f"clerk: {wanted}")
    return right, len(cases)


def _no_match(engine: Engine, bundle_id: str, cases: List[Dict[str, Any]], tally: Tally) -> Tuple[int, int, int]:
    refused = hinted = 0
    for case in cases:
        reading = engine.read_reply(bundle_id, case["question"], case["say"], {}, anonymous(), TODAY)
        if reading.miss is not None and case["question"] not in reading.answers:
            refused += 1
            hinted += bool(reading.miss.hint or reading.miss.reason == "ambiguous")
        else:
            tally.notes.append(f"no_match read {bundle_id}: «{case['say']}» → {reading.values}")
    return refused, hinted, len(cases)


def main(argv: List[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench answers")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args(argv)
    engine = Engine(load_catalogue(ROOT / "rules"))
    tally = Tally()
    corrections = [0, 0]
    no_match = [0, 0, 0]
    bundles = set()
    for path in sorted(args.data.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        bundle_id = data["bundle"]
        bundles.add(bundle_id)
        for person in data["people"]:
            facts = _facts(person.get("facts"))
            tally.conversations += 1
            by_button = _button_run(engine, bundle_id, person, facts)
            by_words = _free_run(engine, bundle_id, person, facts, tally)
            a = _signature(engine.outcome(bundle_id, by_button, facts))
            b = _signature(engine.outcome(bundle_id, by_words, facts))
            if a != b:
                tally.differ += 1
                tally.notes.append(f"OUTCOME differs {bundle_id}/{person['name']}")
        right, total = _corrections(engine, bundle_id, data.get("corrections", []), tally)
        corrections[0] += right
        corrections[1] += total
        for i, n in enumerate(_no_match(engine, bundle_id, data.get("no_match", []), tally)):
            no_match[i] += n
    _report(tally, corrections, no_match, len(bundles), args.show)


def _long_message_ms() -> float:
    """Normalising a 10,000-character message (before it is cut to the cap), best of five."""
    costs = []
    for _ in range(5):
        started = time.perf_counter()
        normalize_text(LONG_MESSAGE)
        costs.append(time.perf_counter() - started)
    return 1000 * min(costs)


def _report(tally: Tally, corrections: List[int], no_match: List[int], bundles: int, show: bool) -> None:
    kinds = sorted(k for k in tally.asked if k != "first_message")
    asked = sum(tally.asked[k] for k in kinds)
    accepted = sum(tally.accepted[k] for k in kinds)
    wrong = sum(tally.wrong[k] for k in kinds) + tally.also_wrong + tally.wrong["first_message"]
    heading(f"Free answers: {tally.conversations} people over {bundles} bundles, {asked} answers asked")
    rows = [[k, tally.asked[k], tally.accepted[k], f"{100 * tally.accepted[k] / tally.asked[k]:.1f} %",
             tally.wrong[k]] for k in kinds]
    table(rows, ["kind", "asked", "accepted first try", "share", "recorded wrong"])
    share = 100 * accepted / asked if asked else 0.0
    cost = summary_ms(tally.costs)
    correction_cost = summary_ms(tally.correction_costs)
    fm_expected = tally.asked["first_message"]
    long_message_ms = _long_message_ms()
    summary = [
        ["first-try acceptance", f"{share:.1f} %", f"≥ {TARGET_ACCEPTED:g} %", verdict(share, TARGET_ACCEPTED, False)],
        ["answers recorded wrong", wrong, "0", verdict(wrong, 0)],
        ["outcomes differing from the button run", f"{tally.differ} of {tally.conversations}", "0",
         verdict(tally.differ, 0)],
        ["second questions answered by the same reply", f"{tally.also_found} of {tally.also_expected}", "", ""],
        ["other answers recorded, not in the set", tally.extra_unchecked, "", ""],
        ["corrections mapped to the right answer", f"{corrections[0]} of {corrections[1]}", "", ""],
        ["replies fitting no option refused (with a hint)", f"{no_match[0]} of {no_match[2]} ({no_match[1]})", "", ""],
        ["first-message facts found", f"{tally.accepted['first_message']} of {fm_expected}", "", ""],
        ["read_reply per call p50 / p99", f"{cost.get('p50_ms', 0):.2f} / {cost.get('p99_ms', 0):.2f} ms",
         "", ""],
        ["correct per call p50 / p99",
         f"{correction_cost.get('p50_ms', 0):.2f} / {correction_cost.get('p99_ms', 0):.2f} ms", "", ""],
        ["normalising a 10,000-character message", f"{long_message_ms:.1f} ms", f"≤ {TARGET_LONG_MESSAGE_MS:g} ms",
         verdict(long_message_ms, TARGET_LONG_MESSAGE_MS)],
    ]
    heading("Summary")
    table(summary, ["figure", "value", "target", ""])
    if tally.missing_replies:
        print(f"\n{tally.missing_replies} people were asked a question the set has no reply for")
    if show:
        heading("Misses and wrong answers")
        for note in tally.notes:
            print(note)
    write_record("answers", {
        "asked": asked, "accepted": accepted, "share": round(share, 2), "wrong": wrong,
        "differ": tally.differ, "conversations": tally.conversations,
        "per_kind": {k: {"asked": tally.asked[k], "accepted": tally.accepted[k], "wrong": tally.wrong[k]}
                     for k in kinds},
        "also": [tally.also_found, tally.also_expected], "corrections": corrections, "no_match": no_match,
        "first_message": [tally.accepted["first_message"], fm_expected], "cost": cost,
        "correction_cost": correction_cost, "long_message_ms": round(long_message_ms, 2),
    })
