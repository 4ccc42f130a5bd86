"""Reads an answer out of free Chinese text for one question, or says it was not understood."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, List, Optional, Tuple, Union

from bot import clock
from bot.catalogue.model import Question, Vocabulary
from bot.catalogue.values import InvalidAnswer, coerce_answer
from bot.text.dates import parse_age_months, parse_age_years, parse_date
from bot.text.normalize import normalize
from bot.text.numbers import find_number, to_int_or_float

_PUNCT = re.compile(r"[\s,.!?;:~…、，。！？；：～\"'“”‘’()（）\[\]【】<>《》-]+")
_NEGATION = re.compile(r"(不是|不在|没有|没|不|非|无)$")
_ORDINAL = re.compile(r"^(?:第)?([0-9一二三四五六七八九十]+)(?:个|项|种|条)?$")


@dataclass(frozen=True)
class Understood:
    value: Any
    matched: str = ""


@dataclass(frozen=True)
class NotUnderstood:
    question_id: str
    reason: str  # no_match | ambiguous | unsure | out_of_range | empty
    options: List[Tuple[str, str]] = field(default_factory=list)  # (value, label) to offer
    detail: str = ""


Interpretation = Union[Understood, NotUnderstood]


def _clean(text: str) -> str:
    return _PUNCT.sub("", normalize(text).lower())


def _offer(question: Question, vocab: Vocabulary) -> List[Tuple[str, str]]:
    if question.kind == "yesno":
        return [("true", vocab.yes_label), ("false", vocab.no_label)]
    return [(o.value, o.label) for o in question.options]


def _found(phrase: str, text: str) -> int:
    """Where `phrase` occurs as a usable mention, or -1. One-character words ("是", "中") count
    only as (the start of) a very short reply, so "中国" is not a yes."""
    if not phrase:
        return -1
    phrase = phrase.lower()
    if len(phrase) == 1 and not phrase.isascii():
        return 0 if len(text) <= 3 and text.startswith(phrase) else -1
    if phrase.isascii():
        return 0 if text == phrase else -1
    return text.find(phrase)


def _negated(text: str, position: int) -> bool:
    return bool(_NEGATION.search(text[max(0, position - 2):position]))


def _best(text: str, phrases: Iterable[Tuple[str, Any]]) -> List[Tuple[int, Any, str]]:
    """All (length, key, phrase) mentions not preceded by a negation, longest first."""
    hits = []
    for phrase, key in phrases:
        at = _found(phrase, text)
        if at < 0:
            continue
        if len(phrase) > 1 and _negated(text, at):
            continue
        hits.append((len(phrase), key, phrase))
    hits.sort(key=lambda h: -h[0])
    return hits


def _yes_no(text: str, question: Question, vocab: Vocabulary) -> Optional[Understood]:
    phrases = [(w, True) for w in question.yes_words] + [(w, False) for w in question.no_words]
    hits = _best(text, phrases)
    if not hits:
        # A negated question-specific phrase means its opposite: "不是外地" to "born in this
        # city?" is a yes, though the generic "不是" alone would read as a no.
        flipped = {not value for value in _negated_phrases(text, phrases)}
        if len(flipped) == 1:
            return Understood(flipped.pop(), text)
        generic = [(w, True) for w in vocab.yes_words] + [(w, False) for w in vocab.no_words]
        hits = sorted(
            ((len(w), v, w) for w, v in generic if _found(w, text) >= 0), key=lambda h: -h[0]
        )
    if not hits:
        return None
    top = [h for h in hits if h[0] == hits[0][0]]
    if len({h[1] for h in top}) > 1:
        return None
    return Understood(hits[0][1], hits[0][2])


def _option_phrases(question: Question) -> List[Tuple[str, str]]:
    phrases = []
    for option in question.options:
        phrases.append((option.label, option.value))
        phrases.append((option.value.replace("_", " "), option.value))
        phrases.extend((s, option.value) for s in option.synonyms)
    return phrases


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


def interpret(question: Question, text: str, vocab: Vocabulary, today: Optional[date] = None) -> Interpretation:
    """Understood(value) with the canonical value for `question`, or NotUnderstood with options."""
    today = today or clock.today()
    offer = _offer(question, vocab)
    cleaned = _clean(text or "")
    if not cleaned:
        return NotUnderstood(question.id, "empty", offer)
    if any(_found(w, cleaned) >= 0 for w in vocab.unsure_words):
        return NotUnderstood(question.id, "unsure", offer)

    kind = question.kind
    if kind == "yesno":
        result = _yes_no(cleaned, question, vocab)
        return result or NotUnderstood(question.id, "no_match", offer)

    if kind == "single":
        chosen = _by_index(cleaned, question)
        if chosen:
            return Understood(chosen, cleaned)
        hits = _best(cleaned, _option_phrases(question))
        if not hits:
            negated = _negated_options(cleaned, question)
            if len(question.options) == 2 and len(negated) == 1:
                other = next(o.value for o in question.options if o.value not in negated)
                return Understood(other, cleaned)
            return _partial_or_yes_no(question, cleaned, vocab, offer)
        top = {h[1] for h in hits if h[0] == hits[0][0]}
        if len(top) > 1:
            return NotUnderstood(question.id, "ambiguous", [o for o in offer if o[0] in top])
        return Understood(hits[0][1], hits[0][2])

    if kind == "multi":
        # Named options win: "水电都要" is water and power, not everything.
        chosen = {h[1] for h in _best(cleaned, _option_phrases(question))}
        if chosen:
            return Understood([o.value for o in question.options if o.value in chosen], cleaned)
        if any(_found(w, cleaned) >= 0 for w in vocab.none_words) or cleaned in vocab.no_words:
            return Understood([], cleaned)
        if any(_found(w, cleaned) >= 0 for w in vocab.all_words):
            return Understood([o.value for o in question.options], cleaned)
        return NotUnderstood(question.id, "no_match", offer)

    # Numbers and dates keep their separators ("2026-10-01", "1.5").
    spaced = normalize(text)
    if kind == "number":
        value = _number(spaced, question, vocab)
        if value is None:
            return NotUnderstood(question.id, "no_match", offer)
        return _checked(question, value, cleaned, offer)

    if kind == "date":
        found = parse_date(spaced, today)
        if found is None:
            return NotUnderstood(question.id, "no_match", offer)
        if found > today:
            return NotUnderstood(question.id, "out_of_range", offer, found.isoformat())
        return _checked(question, found, cleaned, offer)

    return _checked(question, normalize(text), cleaned, offer)


_NO_OPTION = re.compile(r"^(没有|没|不|无|未|否)")


def _affirmed_in(text: str, phrase: str) -> bool:
    """`text` occurs in `phrase` and is not negated there ("有贷款" is not in "没有贷款")."""
    at = phrase.find(text)
    return at == 0 or (at > 0 and phrase[at - 1] not in "没不无未非")


def _partial_or_yes_no(question: Question, text: str, vocab: Vocabulary,
                       offer: List[Tuple[str, str]]) -> Interpretation:
    """Short replies to a single-choice question: "有贷款" names the start of two options
    (ask which), "没有" picks the one option that is a no, "有" the others."""
    if len(text) >= 2:
        within = {o.value for o in question.options
                  if any(_affirmed_in(text, p.lower()) for p in (o.label, *o.synonyms))}
        if len(within) == 1:
            return Understood(within.pop(), text)
        if within:
            return NotUnderstood(question.id, "ambiguous", [o for o in offer if o[0] in within])
    no_options = {o.value for o in question.options if _NO_OPTION.match(o.label) or o.value in ("none", "no")}
    if len(no_options) == 1:
        if text in {w.lower() for w in vocab.no_words}:
            return Understood(next(iter(no_options)), text)
        if text in {w.lower() for w in vocab.yes_words}:
            others = [o for o in offer if o[0] not in no_options]
            if len(others) == 1:
                return Understood(others[0][0], text)
            return NotUnderstood(question.id, "ambiguous", others)
    return NotUnderstood(question.id, "no_match", offer)


def _negated_options(text: str, question: Question) -> set:
    return _negated_phrases(text, _option_phrases(question))


def _negated_phrases(text: str, phrases: Iterable[Tuple[str, Any]]) -> set:
    negated = set()
    for phrase, value in phrases:
        at = _found(phrase, text)
        if at > 0 and len(phrase) > 1 and _negated(text, at):
            negated.add(value)
    return negated


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
    if text in vocab.no_words or any(_found(w, text) >= 0 for w in vocab.none_words):
        return 0
    return None


def _checked(question: Question, value: Any, matched: str, offer: List[Tuple[str, str]]) -> Interpretation:
    try:
        return Understood(coerce_answer(question, value), matched)
    except InvalidAnswer as exc:
        reason = "out_of_range" if exc.reason in ("below_min", "above_max", "not_an_integer") else "no_match"
        return NotUnderstood(question.id, reason, offer, exc.detail)
