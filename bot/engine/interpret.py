"""Reads an answer to one question out of free Chinese text, or says what was not understood."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, FrozenSet, List, Optional, Tuple, Union

from bot import clock
from bot.catalogue.model import Question, Vocabulary
from bot.catalogue.values import UNKNOWN, InvalidAnswer, coerce_answer
from bot.engine.question_words import Clause, QuestionReader, clean, offered, reader_for
from bot.text.dates import parse_age_months, parse_age_years, parse_date
from bot.text.normalize import normalize
from bot.text.numbers import find_number, to_int_or_float
from bot.text.reply import BARE_REPLY, bigrams

_ORDINAL = re.compile(r"^(?:第)?([0-9一二三四五六七八九十]+)(?:个|项|种|条)?$")


@dataclass(frozen=True)
class Understood:
    value: Any
    matched: str = ""
    display: str = ""  # the recorded value in a few words, to echo back
    inferred: bool = True  # read from free words, not a button or an option's own label

    @property
    def unknown(self) -> bool:
        return self.value == UNKNOWN


@dataclass(frozen=True)
class NotUnderstood:
    question_id: str
    reason: str  # no_match | ambiguous | unsure | out_of_range | empty
    options: List[Tuple[str, str]] = field(default_factory=list)  # (value, label) to offer
    detail: str = ""
    hint: str = ""  # the words of the reply that matched nothing, to say what was not understood


Interpretation = Union[Understood, NotUnderstood]


# -- reading a whole reply --------------------------------------------------------------------


@dataclass
class Read:
    """A reply read against one question, with the clauses it used (the rest may answer others)."""

    result: Interpretation
    clauses: List[Clause]
    used: List[int]


def read(reader: QuestionReader, text: str, vocab: Vocabulary, today: date) -> Read:
    question = reader.question
    offer = offered(question, vocab)
    raw = normalize(text or "")
    whole = clean(raw)
    if not whole:
        return Read(NotUnderstood(question.id, "empty", offer), [], [])
    lang = reader.lang
    if whole in reader.labels:
        value = reader.labels[whole]
        return Read(_understood(question, value if question.kind != "multi" else [value], whole, False), [], [])
    clauses = [reader.clause(c, reader.text) for c in lang.clauses(raw)]
    if any(c.unsure for c in clauses):
        return Read(Understood(UNKNOWN, whole), clauses, list(range(len(clauses))))
    kind = question.kind
    if kind in ("number", "date", "text"):
        return Read(_scalar(question, raw, whole, vocab, today, offer), clauses, list(range(len(clauses))))
    if kind == "single":
        chosen = _by_index(whole, question)
        if chosen:
            return Read(_understood(question, chosen, whole, False), clauses, list(range(len(clauses))))
    combine = {"yesno": _yes_no, "single": _single, "multi": _multi}[kind]
    result, used = combine(reader, clauses, whole, offer)
    if isinstance(result, NotUnderstood) and not result.hint:
        result = NotUnderstood(result.question_id, result.reason, result.options, result.detail,
                               _hint(clauses, used))
    return Read(result, clauses, used)


def _understood(question: Question, value: Any, matched: str, inferred: bool = True) -> Interpretation:
    try:
        return Understood(coerce_answer(question, value), matched, inferred=inferred)
    except InvalidAnswer:
        return NotUnderstood(question.id, "no_match")


def _hint(clauses: List[Clause], used: List[int]) -> str:
    rest = [c.text for i, c in enumerate(clauses) if i not in used] or [c.text for c in clauses]
    return "，".join(rest)[:20]


def _yes_no(reader: QuestionReader, clauses: List[Clause], whole: str, offer) -> Tuple[Interpretation, List[int]]:
    q = reader.question
    specific: Dict[bool, List[int]] = {True: [], False: []}
    for i, clause in enumerate(clauses):
        for hit in clause.hits:
            for value in hit.values:
                specific[value != hit.negated].append(i)
    said = [v for v in (True, False) if specific[v]]
    if len(said) == 1:
        against = [c for i, c in enumerate(clauses) if i not in specific[said[0]] and not c.hits
                   and c.polarity is (not said[0]) and reader.lang.negation_marks(c.free)
                   and bigrams(c.text) & bigrams(reader.text)]
        but = [c for i, c in enumerate(clauses) if i not in specific[said[0]] and not c.hits
               and reader.lang.contrasting(c.text) and bigrams(c.text) & bigrams(reader.text)]
        if against or but:  # "房子在我名下，她名下没有", "一楼，但是座位超过50个": ask again
            return NotUnderstood(q.id, "ambiguous", offer), []
        return Understood(said[0], whole), sorted(set(specific[said[0]]))
    if len(said) == 2:
        return NotUnderstood(q.id, "ambiguous", offer), []
    for i, clause in enumerate(clauses):
        if clause.polarity is not None:
            return Understood(clause.polarity, whole), [i]
    for i, clause in enumerate(clauses):
        loose = reader.loose(clause)
        if len(loose) == 1:
            value = next(iter(loose))
            negated = bool(reader.lang.negation_marks(clause.free))
            return Understood(value != negated, whole), [i]
    return NotUnderstood(q.id, "no_match", offer), []


def _single(reader: QuestionReader, clauses: List[Clause], whole: str, offer) -> Tuple[Interpretation, List[int]]:
    q = reader.question
    named: List[FrozenSet[Any]] = []
    denied: set = set()
    used: List[int] = []
    for i, clause in enumerate(clauses):
        for hit in clause.hits:
            if hit.negated:
                denied.update(hit.values)
            else:
                named.append(hit.values)
            used.append(i)
    candidates = set(reader.values) - denied
    if named:
        exact = {next(iter(v)) for v in named if len(v) == 1} - denied
        if len(exact) == 1:
            return _understood(q, exact.pop(), whole), sorted(set(used))
        if exact:
            return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] in exact]), []
        narrowed = set.intersection(*(set(v) for v in named)) & candidates
        narrowed = _narrow_by_polarity(reader, clauses, narrowed)
        if len(narrowed) == 1:
            return _understood(q, narrowed.pop(), whole), sorted(set(used))
        if narrowed:
            return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] in narrowed]), []
    if denied and len(candidates) == 1:
        return _understood(q, next(iter(candidates)), whole), sorted(set(used))
    band = _by_band(reader, clauses)
    if band is not None:
        return _understood(q, band, whole), list(range(len(clauses)))
    for i, clause in enumerate(clauses):
        polarity = False if reader.lang.mentions_none(clause.text) else clause.polarity
        if polarity is None or polarity not in reader.polar:
            continue
        if len(clause.text) > BARE_REPLY:
            break  # "想把户口迁到济南来" is not a bare yes to "户口是济南的吗"
        picked = set(reader.polar[polarity]) & candidates
        if len(picked) == 1:
            return _understood(q, picked.pop(), whole), [i]
        if picked:
            return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] in picked]), []
    if not denied:
        loose = [(i, reader.loose(c)) for i, c in enumerate(clauses)
                 if not c.hits and not reader.lang.negation_marks(c.free)]
        values = set().union(*(v for _, v in loose)) if loose else set()
        if len(values) == 1:
            return _understood(q, values.pop(), whole), [i for i, v in loose if v]
    if denied and len(candidates) < len(reader.values):
        return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] in candidates]), []
    return NotUnderstood(q.id, "no_match", offer), []


def _narrow_by_polarity(reader: QuestionReader, clauses: List[Clause], values: set) -> set:
    for clause in clauses:
        if clause.polarity is not None and clause.polarity in reader.polar and not clause.hits:
            narrowed = values & set(reader.polar[clause.polarity])
            if narrowed:
                return narrowed
    return values


def _by_band(reader: QuestionReader, clauses: List[Clause]) -> Optional[Any]:
    if not reader.bands:
        return None
    for clause in clauses:
        found = find_number(clause.text)
        if found is None:
            continue
        for low, high, value in reader.bands:
            if low <= found.value <= high:
                return value
    return None


def _multi(reader: QuestionReader, clauses: List[Clause], whole: str, offer) -> Tuple[Interpretation, List[int]]:
    q = reader.question
    lang = reader.lang
    named: set = set()
    denied: set = set()
    every = none = False
    polarity: Optional[bool] = None
    used: List[int] = []
    # "除了宽带，别的都要" leaves 宽带 out; "除了宽带，还要装水" adds to it.
    leaving_out = any(lang.mentions_all(c.free) and (not c.hits or lang.excepting(c.text)) for c in clauses)
    for i, clause in enumerate(clauses):
        for hit in clause.hits:
            out = hit.negated or (leaving_out and lang.excepting(clause.text))
            (denied if out else named).update(hit.values)
        negative = bool(lang.negation_marks(clause.free))
        if lang.mentions_none(clause.text) or (lang.mentions_all(clause.free) and negative and not clause.hits):
            none = True  # "都不要", "别的没有"
        elif lang.mentions_all(clause.free) and (not clause.hits or lang.excepting(clause.text)):
            every = True  # "水电都要" is water and power; "除了电视都要" is the rest
        elif not clause.hits and polarity is None:
            polarity = clause.polarity
        if clause.hits or none or every or clause.polarity is not None:
            used.append(i)
    values = list(reader.values)
    if every:
        chosen = [v for v in values if v not in denied]
    elif named - denied:
        chosen = [v for v in values if v in named and v not in denied]
    elif none or (denied and denied >= set(values)) or (polarity is False and not denied):
        chosen = []
    elif denied:
        return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] not in denied]), []
    elif polarity is True and len(values) == 1:
        chosen = values
    elif polarity is True:
        return NotUnderstood(q.id, "ambiguous", offer), []
    else:
        return NotUnderstood(q.id, "no_match", offer), []
    return _understood(q, chosen, whole), used


def _by_index(text: str, question: Question) -> Optional[str]:
    match = _ORDINAL.match(text)
    if not match:
        return None
    raw = match.group(1)
    number = int(raw) if raw.isdigit() else find_number(raw)
    index = int(number.value if hasattr(number, "value") else number) if number else 0
    if 1 <= index <= len(question.options):
        return question.options[index - 1].value
    return None


def _scalar(question: Question, raw: str, whole: str, vocab: Vocabulary, today: date, offer) -> Interpretation:
    if question.kind == "number":
        value = _number(raw, question, vocab)
        if value is None:
            return NotUnderstood(question.id, "no_match", offer, hint=whole[:20])
        return _checked(question, value, whole, offer)
    if question.kind == "date":
        found = parse_date(raw, today)
        if found is None:
            return NotUnderstood(question.id, "no_match", offer, hint=whole[:20])
        if found > today:
            return NotUnderstood(question.id, "out_of_range", offer, found.isoformat())
        return _checked(question, found, whole, offer)
    return _checked(question, raw, whole, offer)


def _number(text: str, question: Question, vocab: Vocabulary) -> Optional[float]:
    unit = question.unit or ""
    if "岁" in unit:
        age = parse_age_years(text)
        if age is not None:
            return age
    if "月" in unit:
        months = parse_age_months(text)
        if months is not None and "岁" in text:
            return months
    found = find_number(text)
    if found is not None:
        return to_int_or_float(found.value)
    cleaned = clean(text)
    if cleaned in vocab.no_words or any(w in cleaned for w in vocab.none_words):
        return 0
    return None


def _checked(question: Question, value: Any, matched: str, offer: List[Tuple[str, str]]) -> Interpretation:
    try:
        return Understood(coerce_answer(question, value), matched)
    except InvalidAnswer as exc:
        reason = "out_of_range" if exc.reason in ("below_min", "above_max", "not_an_integer") else "no_match"
        return NotUnderstood(question.id, reason, offer, exc.detail)


# -- the single-question entry point ----------------------------------------------------------

def interpret(question: Question, text: str, vocab: Vocabulary, today: Optional[date] = None) -> Interpretation:
    """Understood(value) with the canonical value for `question`, or NotUnderstood with options.
    Not knowing is NotUnderstood("unsure") here; `read_reply` records it as an answer."""
    result = read(reader_for(question, vocab), text, vocab, today or clock.today()).result
    if isinstance(result, Understood) and result.unknown:
        return NotUnderstood(question.id, "unsure", offered(question, vocab))
    return result
