"""A reply read against the whole questionnaire: the pending question, others it also answers,
and corrections of earlier answers ("不对，孩子他妈是外地户口")."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Sequence

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.model import Question
from bot.catalogue.values import UNKNOWN, InvalidAnswer, coerce_answer
from bot.engine.compiled import CompiledBundle, CompiledQuestion
from bot.engine.facts import Facts
from bot.engine.interpret import Interpretation, NotUnderstood, Understood, read
from bot.engine.outcome import display_answer
from bot.engine.question_words import Clause, QuestionReader, language, reader_for
from bot.engine.questionnaire import resolve
from bot.text.normalize import normalize
from bot.text.numbers import find_number
from bot.text.reply import bigrams


@dataclass(frozen=True)
class Reading:
    """What one reply says: answers by question id (the pending question first when it was
    understood), or why the pending question was not understood."""

    answers: Dict[str, Understood] = field(default_factory=dict)
    miss: Optional[NotUnderstood] = None

    @property
    def values(self) -> Dict[str, Any]:
        return {qid: u.value for qid, u in self.answers.items()}

    @property
    def understood(self) -> bool:
        return self.miss is None and bool(self.answers)


def display(cat: Catalogue, question: Question, value: Any) -> str:
    if value == UNKNOWN and not isinstance(value, bool):
        return cat.label("answer", "unknown")
    return display_answer(cat, question, value)


def _with_display(cat: Catalogue, question: Question, understood: Understood) -> Understood:
    return replace(understood, display=display(cat, question, understood.value))


def read_reply(
    cat: Catalogue, cb: CompiledBundle, question_id: str, text: str,
    answers: Mapping[str, Any], facts: Facts, today: date,
) -> Reading:
    vocab = cat.vocabulary
    pending = cb.by_id[question_id]
    first = read(reader_for(pending.question, vocab), text, vocab, today)
    found: Dict[str, Understood] = {}
    miss: Optional[NotUnderstood] = None
    if isinstance(first.result, Understood):
        found[question_id] = _with_display(cat, pending.question, first.result)
    else:
        miss = first.result
    after = dict(answers)
    if question_id in found:
        after[question_id] = found[question_id].value
    others = _open_questions(cb, after, facts, exclude={question_id})
    if others and not (question_id in found and found[question_id].unknown):
        for qid, value in _also_answered(cat, cb, pending, first.result, first.clauses, first.used,
                                         text, others, today).items():
            found[qid] = _with_display(cat, cb.by_id[qid].question, Understood(value, text))
    return Reading(found, miss)


def _open_questions(
    cb: CompiledBundle, answers: Mapping[str, Any], facts: Facts, exclude: set,
) -> List[CompiledQuestion]:
    state = resolve(cb, answers, facts)
    return [cq for cq in state.pending if cq.id not in exclude and cq.statically_relevant]


def _also_answered(
    cat: Catalogue, cb: CompiledBundle, pending: CompiledQuestion, result: Interpretation,
    clauses: List[Clause], used: List[int], text: str, others: List[CompiledQuestion], today: date,
) -> Dict[str, Any]:
    """Other open questions the same reply answers: by the bundle's own extraction patterns, by
    "都/俩" over questions that differ only in whom they ask about, and by clauses that the
    pending question did not need and that name an option of exactly one other question."""
    vocab = cat.vocabulary
    lang = language(vocab)
    found: Dict[str, Any] = {}
    plain = normalize(text)
    for cq in others:
        for pattern, value in cq.extract:
            if pattern.search(plain):
                try:
                    found[cq.id] = coerce_answer(cq.question, value)
                except InvalidAnswer:
                    continue
                break
    if isinstance(result, Understood) and lang.says_both(plain):
        for cq in others:
            if cq.id not in found and _same_question_for_another(pending.question, cq.question, lang):
                found[cq.id] = result.value
            elif cq.id not in found and _named_alongside(pending.question, cq.question, plain):
                found[cq.id] = result.value
    spare = [c for i, c in enumerate(clauses) if i not in used] if isinstance(result, Understood) else clauses
    for clause in spare:
        candidates = {}
        for cq in others:
            if cq.id in found:
                continue
            reader = reader_for(cq.question, vocab)
            mine = reader.clause(clause.text)
            if not mine.hits or mine.unsure:
                continue
            value = _clause_value(reader, mine)
            if value is not None:
                candidates[cq.id] = value
        if len(candidates) > 1:
            topical = {q: v for q, v in candidates.items()
                       if bigrams(clause.text) & bigrams(cb.by_id[q].question.text)}
            candidates = topical
        if len(candidates) == 1:
            found.update(candidates)
    return found


def _clause_value(reader: QuestionReader, clause: Clause) -> Any:
    """The value one clause gives a question on its own, or None if it does not settle it."""
    values = set()
    for hit in clause.hits:
        if reader.kind == "yesno":
            values.update(v != hit.negated for v in hit.values)
        elif hit.negated:
            return None
        else:
            values.update(hit.values)
    if reader.kind == "multi":
        return [v for v in reader.values if v in values] or None
    return values.pop() if len(values) == 1 else None


def _same_question_for_another(one: Question, other: Question, lang) -> bool:
    """"孩子父亲的户口在本市吗" and "孩子母亲的户口在本市吗": the same options, the same words
    but for whom they ask about."""
    if one.kind != other.kind or [o.value for o in one.options] != [o.value for o in other.options]:
        return False
    a, b = one.text, other.text
    for _, words in lang.subjects:
        for word in words:
            a, b = a.replace(word, "□"), b.replace(word, "□")
    return a == b and one.text != other.text


def _named_alongside(one: Question, other: Question, text: str) -> bool:
    """"养老和医保年限都够了": a second yes/no question named by its own words next to 都."""
    if one.kind != "yesno" or other.kind != "yesno":
        return False
    own = bigrams(other.text) - bigrams(one.text)
    return bool(own & bigrams(text))


# -- corrections ------------------------------------------------------------------------------


def correct(
    cat: Catalogue, cb: CompiledBundle, text: str, answers: Mapping[str, Any], facts: Facts,
    today: date, recent: Sequence[str] = (),
) -> Reading:
    """Which earlier answer(s) a correction changes, and to what. Only questions whose value
    would change are candidates; whom the words name ("孩子他妈"), the question's own words
    and, last, the most recent answers decide between several."""
    vocab = cat.vocabulary
    lang = language(vocab)
    body = lang.without_corrections(normalize(text).lower()).strip("，, ")
    state = resolve(cb, answers, facts)
    answered = [cq for cq in cb.questions if state.source.get(cq.id) == "answer"]
    candidates: Dict[str, Any] = {}
    for cq in answered:
        others = set().union(*(bigrams(o.question.text) for o in cb.questions if o is not cq))
        value = _corrected_value(cq, body, answers[cq.id], vocab, today, bigrams(cq.question.text) - others)
        if value is not None and value != answers[cq.id]:
            candidates[cq.id] = value
    if not candidates:
        for cq in state.pending:
            result = read(reader_for(cq.question, vocab), body, vocab, today).result
            if isinstance(result, Understood) and _specific(cq, body, vocab):
                candidates[cq.id] = result.value
    chosen = _choose(cb, candidates, body, lang, recent)
    if not chosen:
        return Reading({}, NotUnderstood("", "no_match", hint=body.strip("，")[:20]))
    if len(chosen) > 1:
        options = [(q, cb.by_id[q].question.text) for q in chosen]
        return Reading({}, NotUnderstood("", "ambiguous", options))
    qid = next(iter(chosen))
    question = cb.by_id[qid].question
    return Reading({qid: _with_display(cat, question, Understood(chosen[qid], body))})


def _corrected_value(cq: CompiledQuestion, body: str, current: Any, vocab, today: date, distinctive: set) -> Any:
    reader = reader_for(cq.question, vocab)
    result = read(reader, body, vocab, today)
    if not isinstance(result.result, Understood) or result.result.unknown:
        return None
    if not _specific(cq, body, vocab) and not (bigrams(body) & distinctive):
        return None  # a bare "领过" corrects only the one question its other words name
    value = result.result.value
    if cq.question.kind == "multi" and isinstance(current, list) and any(w in body for w in ("也", "还")):
        denied = {v for c in result.clauses for h in c.hits if h.negated for v in h.values}
        named = {v for c in result.clauses for h in c.hits if not h.negated for v in h.values}
        merged = (set(current) | named) - denied
        value = [v for v in reader.values if v in merged]
    return value


def _specific(cq: CompiledQuestion, body: str, vocab) -> bool:
    """The words name one of the question's own options (or a number in one of its bands)."""
    reader = reader_for(cq.question, vocab)
    clauses = reader.lang.clauses(body)
    if reader.bands and any(find_number(c) for c in clauses):
        return True
    return any(reader.clause(c).hits for c in clauses)


def _choose(cb: CompiledBundle, candidates: Dict[str, Any], body: str, lang, recent: Sequence[str]) -> Dict[str, Any]:
    if len(candidates) <= 1:
        return candidates
    named = lang.subjects_in(body)
    if named:
        words = [w for name, ws in lang.subjects if name in named for w in ws]
        about = {q: v for q, v in candidates.items() if any(w in cb.by_id[q].question.text for w in words)}
        if about:
            candidates = about
    if len(candidates) > 1:
        topical = {q: v for q, v in candidates.items() if bigrams(body) & bigrams(cb.by_id[q].question.text)}
        if topical:
            candidates = topical
    if len(candidates) > 1:
        for qid in reversed(list(recent)):
            if qid in candidates:
                return {qid: candidates[qid]}
    return candidates


def echo(cat: Catalogue, cb: CompiledBundle, values: Mapping[str, Any]) -> str:
    """"“孩子父亲的户口在本市吗？” 本市户口；…": the answers just read, to confirm at once."""
    fmt = cat.label("format", "answer_summary")
    joiner = cat.label("format", "echo_joiner")
    parts = []
    for qid, value in values.items():
        question = cb.by_id[qid].question
        parts.append(fmt.format(question=question.text, value=display(cat, question, value)))
    return joiner.join(parts)
