"""The progressive questionnaire: what is known, which question to ask next, and progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Set

from bot.catalogue.model import Question, Vocabulary
from bot.catalogue.values import InvalidAnswer, coerce_answer
from bot.engine.compiled import CompiledBundle, CompiledQuestion
from bot.engine.evaluate import Context
from bot.engine.facts import Facts
from bot.engine.question_words import reader_for


class UnknownQuestion(KeyError):
    def __init__(self, bundle_id: str, question_id: str) -> None:
        super().__init__(f"{bundle_id}.{question_id}")
        self.bundle_id = bundle_id
        self.question_id = question_id


@dataclass(frozen=True)
class Progress:
    answered: int
    remaining_max: int


@dataclass
class State:
    """The resolved view of a bundle's answers given the facts."""

    known: Dict[str, Any]
    source: Dict[str, str]  # question id → "answer" | "fact"
    na: Set[str]
    ctx: Context
    facts: Facts
    pending: List[CompiledQuestion] = field(default_factory=list)  # unresolved, askable or not yet


@dataclass(frozen=True)
class Step:
    """Either the next question with progress, or done."""

    question: Optional[Question]
    progress: Progress

    @property
    def done(self) -> bool:
        return self.question is None


def resolve(cb: CompiledBundle, answers: Mapping[str, Any], facts: Facts) -> State:
    """Apply answers and fact-derived answers in question order; mark questions that cannot apply."""
    known: Dict[str, Any] = {}
    source: Dict[str, str] = {}
    na: Set[str] = set()
    ctx = Context(known, na, facts.values, facts.today)
    pending: List[CompiledQuestion] = []
    for cq in cb.questions:
        applies = True if cq.when is None else cq.when(ctx)
        if applies is False:
            na.add(cq.id)
            continue
        if applies is None:
            pending.append(cq)
            continue
        if cq.id in answers:
            known[cq.id] = answers[cq.id]
            source[cq.id] = "answer"
            continue
        for evaluator, value in cq.fact_answers:
            if evaluator(ctx) is True:
                known[cq.id] = coerce_answer(cq.question, value)
                source[cq.id] = "fact"
                break
        else:
            pending.append(cq)
    return State(known, source, na, ctx, facts, pending)


def could_change_outcome(cb: CompiledBundle, cq: CompiledQuestion, state: State) -> bool:
    """Some two answers to `cq` lead to different outcomes, given what is known now."""
    ctx = state.ctx
    ctx.probe_id = cq.id
    try:
        values = cb.representatives(cq, ctx.today)
        checks = list(cq.affects)
        for gated in cq.gates:
            other = cb.by_id[gated]
            if other.statically_relevant and other.id not in state.known and other.when is not None:
                checks.append(other.when)
        for check in checks:
            seen = set()
            for value in values:
                ctx.probe_value = value
                seen.add(check(ctx))
                if len(seen) > 1:
                    return True
    finally:
        ctx.probe_id = None
        ctx.probe_value = None
    return _fills_an_empty_field(cb, cq, state)


def _fills_an_empty_field(cb: CompiledBundle, cq: CompiledQuestion, state: State) -> bool:
    """The answer would prefill a form field that applies and that no earlier source fills."""
    for field_id, position in cq.fills:
        if not _field_may_apply(cb, field_id, state):
            continue
        earlier = cb.field_defs[field_id].sources[:position]
        if not any(_source_has_value(src, state) for src in earlier):
            return True
    return False


def _field_may_apply(cb: CompiledBundle, field_id: str, state: State) -> bool:
    for use in cb.fields:
        if use.use.ref == field_id and (use.applies is None or use.applies(state.ctx) is not False):
            return True
    return False


def _source_has_value(src: Any, state: State) -> bool:
    if src.identity:
        return bool(state.facts.identity.get(src.identity))
    if src.e_licence:
        return bool(state.facts.licences.get(src.e_licence, {}).get(src.field))
    return src.answer in state.known


def next_step(cb: CompiledBundle, answers: Mapping[str, Any], facts: Facts) -> Step:
    state = resolve(cb, answers, facts)
    ask: Optional[CompiledQuestion] = None
    remaining = 0
    for cq in state.pending:
        if not cq.statically_relevant:
            continue
        applies = True if cq.when is None else cq.when(state.ctx)
        if applies is None:
            remaining += 1  # may still be asked, once earlier answers decide
            continue
        if could_change_outcome(cb, cq, state):
            remaining += 1
            if ask is None:
                ask = cq
    answered = sum(1 for s in state.source.values() if s == "answer")
    return Step(ask.question if ask else None, Progress(answered, remaining))


def clean_answers(cb: CompiledBundle, answers: Mapping[str, Any], facts: Facts) -> Dict[str, Any]:
    """Drop answers to questions that no longer apply (after an earlier answer changed)."""
    state = resolve(cb, answers, facts)
    return {qid: value for qid, value in answers.items() if qid in state.known and state.source.get(qid) == "answer"}


def set_answer(
    cb: CompiledBundle, answers: Mapping[str, Any], question_id: str, value: Any, facts: Facts
) -> Dict[str, Any]:
    """A new answer set with `question_id` answered (validated), later answers re-checked."""
    cq = cb.by_id.get(question_id)
    if cq is None:
        raise UnknownQuestion(cb.id, question_id)
    coerced = coerce_answer(cq.question, value)
    updated = dict(answers)
    updated[question_id] = coerced
    return clean_answers(cb, updated, facts)


def remove_answer(
    cb: CompiledBundle, answers: Mapping[str, Any], question_id: str, facts: Facts
) -> Dict[str, Any]:
    if question_id not in cb.by_id:
        raise UnknownQuestion(cb.id, question_id)
    updated = {k: v for k, v in answers.items() if k != question_id}
    return clean_answers(cb, updated, facts)


def extract_answers(cb: CompiledBundle, text: str, vocab: Optional[Vocabulary] = None) -> Dict[str, Any]:
    """Answers stated in free text ("我和老婆都是济南户口"), by each question's patterns. A
    multiple-choice question keeps every value stated ("改个名字，顺便换个法人"): all its
    matching patterns, and the options its words name once a pattern or two options match."""
    found: Dict[str, Any] = {}
    for cq in cb.questions:
        values: List[Any] = []
        for pattern, value in cq.extract:
            if pattern.search(text):
                try:
                    coerced = coerce_answer(cq.question, value)
                except InvalidAnswer:
                    continue
                if cq.question.kind != "multi":
                    found[cq.id] = coerced
                    break
                values.extend(v for v in coerced if v not in values)
        named = _named_options(cq, text, vocab) if vocab is not None and cq.question.kind == "multi" else []
        if values or len(set(named)) >= 2:
            values.extend(v for v in named if v not in values)
            found[cq.id] = [o.value for o in cq.question.options if o.value in values]
    return found


def _named_options(cq: CompiledQuestion, text: str, vocab: Vocabulary) -> List[Any]:
    reader = reader_for(cq.question, vocab)
    named: List[Any] = []
    for clause in reader.lang.clauses(text):
        for hit in reader.clause(clause).hits:
            # One-character words ("水", "烟") are too common in a whole need to count here.
            if not hit.negated and hit.span.end - hit.span.start >= 2:
                named.extend(hit.values)
    return named


__all__ = [
    "Progress", "State", "Step", "UnknownQuestion", "clean_answers", "could_change_outcome",
    "extract_answers", "next_step", "remove_answer", "resolve", "set_answer",
]
