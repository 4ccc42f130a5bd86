"""The engine's public API over a loaded catalogue; pure Python, no Rasa."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Sequence

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.model import Bundle, Question
from bot.engine.compiled import CompiledBundle, compile_bundle
from bot.engine.explain import Trace, explain
from bot.engine.facts import Facts, anonymous
from bot.engine.interpret import Interpretation, interpret
from bot.engine.outcome import Outcome, compute_outcome, display_answer
from bot.engine.question_words import language, reader_for
from bot.engine.questionnaire import (
    Step,
    UnknownQuestion,
    clean_answers,
    extract_answers,
    next_step,
    remove_answer,
    resolve,
    set_answer,
)
from bot.engine.reading import Reading, correct, echo, read_reply
from bot.engine.routing import Candidate, Router
from bot.engine.unknowns import conditionals, render, unknown_questions
from bot.text.pinyin import syllables


@dataclass(frozen=True)
class AnswerView:
    """One line of "your answers", with what is needed to offer a change."""

    question_id: str
    question: str
    value: Any
    display: str
    source: str  # answer | fact


class Engine:
    """Deterministic guidance over the catalogue. Bundles compile lazily on first use."""

    def __init__(self, catalogue: Catalogue, routing_examples: Optional[Dict[str, List[str]]] = None) -> None:
        self.catalogue = catalogue
        self._routing_examples = routing_examples or {}
        self._compiled: Dict[str, CompiledBundle] = {}
        self._router: Optional[Router] = None

    # -- bundles -----------------------------------------------------------------------------
    def bundle(self, bundle_id: str) -> Bundle:
        return self.catalogue.bundle(bundle_id)

    def compiled(self, bundle_id: str) -> CompiledBundle:
        cb = self._compiled.get(bundle_id)
        if cb is None:
            cb = self._compiled[bundle_id] = compile_bundle(self.catalogue, self.bundle(bundle_id))
            # Each question's words for reading free answers (~8 ms a bundle), now rather than
            # on the person's first answer.
            for cq in cb.questions:
                reader_for(cq.question, self.catalogue.vocabulary)
        return cb

    def question(self, bundle_id: str, question_id: str) -> Question:
        cq = self.compiled(bundle_id).by_id.get(question_id)
        if cq is None:
            raise UnknownQuestion(bundle_id, question_id)
        return cq.question

    # -- questionnaire -------------------------------------------------------------------
    def next_question(self, bundle_id: str, answers: Mapping[str, Any], facts: Optional[Facts] = None) -> Step:
        return next_step(self.compiled(bundle_id), answers, facts or anonymous())

    def interpret(self, bundle_id: str, question_id: str, text: str, today: Optional[date] = None) -> Interpretation:
        """One question only; "不知道" is NotUnderstood("unsure") here (see read_reply)."""
        return interpret(self.question(bundle_id, question_id), text, self.catalogue.vocabulary, today)

    def read_reply(
        self, bundle_id: str, question_id: str, text: str, answers: Optional[Mapping[str, Any]] = None,
        facts: Optional[Facts] = None, today: Optional[date] = None,
    ) -> Reading:
        """A free reply to the pending question: its answer ("不知道" included, as UNKNOWN), the
        other open questions it also answers, each with a short display to echo; or why not."""
        self.question(bundle_id, question_id)
        facts = facts or anonymous()
        return read_reply(self.catalogue, self.compiled(bundle_id), question_id, text, answers or {},
                          facts, today or facts.today)

    def correct(
        self, bundle_id: str, answers: Mapping[str, Any], text: str, facts: Optional[Facts] = None,
        today: Optional[date] = None, recent: Sequence[str] = (),
    ) -> Reading:
        """The earlier answer a correction ("不对，孩子他妈是外地户口") changes, and its new value.
        `recent`: question ids in the order they were answered, to settle a tie."""
        facts = facts or anonymous()
        return correct(self.catalogue, self.compiled(bundle_id), text, answers, facts, today or facts.today, recent)

    def echo(self, bundle_id: str, values: Mapping[str, Any]) -> str:
        return echo(self.catalogue, self.compiled(bundle_id), values)

    def set_answer(
        self, bundle_id: str, answers: Mapping[str, Any], question_id: str, value: Any, facts: Optional[Facts] = None
    ) -> Dict[str, Any]:
        return set_answer(self.compiled(bundle_id), answers, question_id, value, facts or anonymous())

    def remove_answer(
        self, bundle_id: str, answers: Mapping[str, Any], question_id: str, facts: Optional[Facts] = None
    ) -> Dict[str, Any]:
        return remove_answer(self.compiled(bundle_id), answers, question_id, facts or anonymous())

    def clean_answers(
        self, bundle_id: str, answers: Mapping[str, Any], facts: Optional[Facts] = None
    ) -> Dict[str, Any]:
        return clean_answers(self.compiled(bundle_id), answers, facts or anonymous())

    def extract_answers(self, bundle_id: str, text: str) -> Dict[str, Any]:
        return extract_answers(self.compiled(bundle_id), text, self.catalogue.vocabulary)

    def answers_view(
        self, bundle_id: str, answers: Mapping[str, Any], facts: Optional[Facts] = None
    ) -> List[AnswerView]:
        cb = self.compiled(bundle_id)
        state = resolve(cb, answers, facts or anonymous())
        views = []
        for cq in cb.questions:
            if cq.id in state.known:
                value = state.known[cq.id]
                views.append(
                    AnswerView(
                        cq.id,
                        cq.question.text,
                        value,
                        display_answer(self.catalogue, cq.question, value),
                        state.source[cq.id],
                    )
                )
        return views

    # -- outcome -------------------------------------------------------------------------
    def outcome(self, bundle_id: str, answers: Mapping[str, Any], facts: Optional[Facts] = None) -> Outcome:
        cb = self.compiled(bundle_id)
        facts = facts or anonymous()
        complete = next_step(cb, answers, facts).done
        outcome = compute_outcome(self.catalogue, cb, resolve(cb, answers, facts), complete)
        unknown = unknown_questions(cb, answers, facts)
        if unknown:
            outcome.conditional = conditionals(self.catalogue, cb, answers, facts, outcome)
            outcome.to_confirm = unknown
        return outcome

    def unknown_notes(self, bundle_id: str, outcome: Outcome) -> List[str]:
        """The notice's lines for answers of "不知道": "如果…，还需要…" and what to confirm."""
        cb = self.compiled(bundle_id)
        confirm = [cb.by_id[q].question.text for q in outcome.to_confirm]
        return render(self.catalogue, cb, outcome.conditional, confirm)

    def explain(self, bundle_id: str, answers: Mapping[str, Any], facts: Optional[Facts] = None) -> Trace:
        cb = self.compiled(bundle_id)
        facts = facts or anonymous()
        step = next_step(cb, answers, facts)
        state = resolve(cb, answers, facts)
        outcome = compute_outcome(self.catalogue, cb, state, step.done)
        return explain(self.catalogue, cb, state, outcome, step.question.id if step.question else None)

    # -- routing -------------------------------------------------------------------------
    @property
    def router(self) -> Router:
        if self._router is None:
            self._router = Router(self.catalogue, self._routing_examples)
        return self._router

    def route(self, text: str, limit: int = 3) -> List[Candidate]:
        return self.router.route(text, limit)

    def prepare_reading(self) -> None:
        """Load the words and the pinyin table for reading free answers now (at start-up)."""
        language(self.catalogue.vocabulary)
        syllables("一")

    def prepare_routing(self) -> None:
        """Build the routing index now (at start-up), not on a citizen's first message."""
        self.router  # noqa: B018 - the property builds and caches it

    def categories(self) -> List[dict]:
        return self.catalogue.category_tree()
