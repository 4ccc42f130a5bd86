"""One method per thing a person can do in a conversation; each returns the new state and what
to say. The engine decides policy; this only routes turns (smart-answers' "flows only route")."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, List, Optional

from bot.catalogue.model import FormField, Question
from bot.catalogue.values import InvalidAnswer, coerce_answer
from bot.dialogue.application import APPLICANT_FIELDS, build_draft
from bot.dialogue.field_input import read_field
from bot.dialogue.messages import (
    Say,
    application_custom,
    bundle_choice_custom,
    bundle_custom,
    button,
    form_custom,
    handoff_custom,
    materials_custom,
    question_buttons,
    question_custom,
)
from bot.dialogue.services import Services, profile_of
from bot.dialogue.state import ConversationState
from bot.engine.facts import Facts
from bot.engine.interpret import NotUnderstood
from bot.engine.outcome import FieldLine, Outcome, mask_value
from bot.engine.routing import Candidate
from bot.text.numbers import find_number

logger = logging.getLogger(__name__)

# Routing: one clear winner is confirmed; otherwise the plausible ones (at most three) are
# offered. Scores are the router's evidence shares; a 0.55 lead is right >99% of the time on
# held-out utterances (see bench/routing.py).
CONFIDENT_SCORE = 0.70
CLEAR_MARGIN = 0.55
CHOICE_MIN_SCORE = 0.04


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass
class Turn:
    state: ConversationState
    messages: Dict[str, str] = field(default_factory=dict)
    says: List[Say] = field(default_factory=list)

    def say(
        self,
        key: Optional[str] = None,
        text: Optional[str] = None,
        params: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> Turn:
        """Say the rules message `key` (its {placeholders} filled from params) or `text` as is."""
        if key is not None:
            text = self.messages.get(key, key).format_map(_Blank(params or {}))
        self.says.append(Say(text=text, **kwargs))
        return self


@dataclass
class Incoming:
    """What the person sent this turn, as the channel and NLU saw it."""

    text: str = ""
    intent: Optional[str] = None
    entities: List[Dict[str, Any]] = field(default_factory=list)
    sender_id: str = ""
    identity_token: Optional[str] = None
    channel: str = "rest"

    def entity(self, name: str) -> Any:
        for entity in self.entities:
            if entity.get("entity") == name:
                return entity.get("value")
        return None


class Conversation:
    def __init__(
        self, services: Services, state: ConversationState, incoming: Incoming, today: Optional[date] = None
    ) -> None:
        self.s = services
        self.engine = services.engine
        self.cat = services.engine.catalogue
        self.state = state
        self.msg = incoming
        self.today = today or date.today()
        if incoming.identity_token:
            state.identity_token = incoming.identity_token
        if incoming.channel:
            state.channel = incoming.channel
        self.turn = Turn(state, self.cat.messages)
        self._facts: Optional[Facts] = None
        self._outcome_memo: Optional[tuple] = None

    async def facts(self) -> Facts:
        if self._facts is None:
            self._facts = await self.s.facts(self.state.identity_token, self.today)
        return self._facts

    # == entry points, one per intent family ===============================================

    async def need(self) -> Turn:
        """The person describes what they need (or picks from the catalogue)."""
        bundle_id = self.msg.entity("bundle_id")
        if bundle_id:
            return await self.choose(str(bundle_id))
        if self.state.stage in ("filling", "rating", "comment"):
            # A hospital name or a comment often reads like a need; in these stages it is a reply.
            return await self.reply()
        if self.state.stage == "asking" and await self._try_answer_pending():
            return self.turn
        return await self._route(self.msg.text)

    async def choose(self, bundle_id: Optional[str] = None) -> Turn:
        bundle_id = bundle_id or self.msg.entity("bundle_id")
        if not bundle_id and self.state.stage not in ("idle", "choosing", "confirming"):
            # "第一个" in the middle of a questionnaire answers the question, not the router.
            return await self.reply()
        bundle_id = bundle_id or self._pick_candidate(self.msg.text)
        if not bundle_id or bundle_id not in self.cat.bundles:
            return await self._route(self.msg.text)
        state = self.state
        if state.bundle_id == bundle_id and state.stage == "asking":
            return await self._ask_next()
        need_text = state.need_text
        state.start_bundle(bundle_id)
        bundle = self.cat.bundle(bundle_id)
        self.turn.say("bundle_intro", params={"bundle_name": bundle.name, "description": bundle.description})
        if need_text:
            stated = self.engine.extract_answers(bundle_id, need_text)
            facts = await self.facts()
            for qid, value in stated.items():
                try:
                    state.answers = _json_answers(self.engine.set_answer(bundle_id, self._answers(), qid, value, facts))
                except InvalidAnswer:
                    continue
                state.history.append(qid)
            state.history = [q for q in state.history if q in state.answers]
            if state.history:
                self.turn.say("understood_from_text", params={"answers": self._answers_text(state.history)})
        return await self._ask_next()

    async def reply(self) -> Turn:
        """A reply in context: an answer, yes/no, a value for the form, a rating…"""
        stage = self.state.stage
        if stage == "asking":
            if await self._answer_from_payload() or await self._try_answer_pending(explain_failure=True):
                return self.turn
            return self.turn
        if stage == "confirming":
            yes = self._yes_no()
            if yes is True:
                return await self.choose(self.state.candidates[0] if self.state.candidates else None)
            if yes is False:
                self.state.stage, self.state.candidates = "idle", []
                return self._offer_browse("route_rejected")
            return await self._route(self.msg.text)
        if stage == "choosing":
            picked = self._pick_candidate(self.msg.text)
            if picked:
                return await self.choose(picked)
            yes = self._yes_no()
            if yes is True and len(self.state.candidates) == 1:
                return await self.choose(self.state.candidates[0])
            if yes is False:
                self.state.stage, self.state.candidates = "idle", []
                return self._offer_browse("route_rejected")
            return await self._route(self.msg.text)
        if stage == "filling":
            return await self._fill_field()
        if stage == "reviewing":
            field_id = self.msg.entity("field_id")
            if field_id:
                return self._ask_field(str(field_id), correcting=True)
            yes = self._yes_no()
            if yes is True:
                return self._ask_consent()
            if yes is False:
                return self._offer_corrections()
            return await self.correct_field()
        if stage == "consent":
            yes = self._yes_no()
            if yes is True:
                return await self._submit()
            if yes is False:
                self.turn.say("not_submitted", buttons=[button(self._label("submit_now"), "affirm")])
                return self.turn
            return self._ask_consent()
        if stage in ("rating", "comment"):
            return await self.rate()
        if self.msg.intent in ("affirm", "deny"):
            return self.turn.say("ask_need")
        return await self._route(self.msg.text)

    async def _misread_need(self) -> Optional[Turn]:
        """With no questionnaire under way, an intent that needs one ("办残疾证为什么要体检",
        "开饭馆要带啥") is most likely a need the NLU misread: route it."""
        text = self.msg.text or ""
        if self.state.stage not in ("idle", "choosing", "confirming") or text.startswith("/"):
            return None
        candidates = self.engine.route(text, 1)
        if not candidates or (self.state.bundle_id and candidates[0].score < CONFIDENT_SCORE):
            return None
        return await self._route(text)

    async def why(self) -> Turn:
        detour = await self._misread_need()
        if detour is not None:
            return detour
        question = self._pending()
        if question is not None:
            self.turn.say("why", params={"why": question.why})
            return await self._ask_next(repeat=True)
        if self.state.stage == "filling" and self.state.pending_field:
            definition = self.cat.fields[self.state.pending_field]
            self.turn.say("why_field", params={"label": definition.label})
            return self._ask_field(self.state.pending_field)
        self.turn.say("why_general")
        return await self.resume()

    async def back(self) -> Turn:
        state = self.state
        detour = await self._misread_need()
        if detour is not None:
            return detour
        if not state.bundle_id or not state.history:
            self.turn.say("nothing_to_go_back")
            return await self.resume()
        last = state.history.pop()
        facts = await self.facts()
        state.answers = _json_answers(self.engine.remove_answer(state.bundle_id, self._answers(), last, facts))
        state.history = [q for q in state.history if q in state.answers]
        state.stage, state.pending_field = "asking", None
        return await self._ask_next()

    async def change(self) -> Turn:
        state = self.state
        detour = await self._misread_need()
        if detour is not None:
            return detour
        if not state.bundle_id:
            return self.turn.say("no_active_bundle")
        qid = self.msg.entity("question_id")
        facts = await self.facts()
        if qid and qid in self.engine.compiled(state.bundle_id).by_id:
            state.answers = _json_answers(self.engine.remove_answer(state.bundle_id, self._answers(), qid, facts))
            state.history = [q for q in state.history if q in state.answers]
            state.stage, state.pending_field = "asking", None
            return await self._ask_next()
        views = [v for v in self.engine.answers_view(state.bundle_id, self._answers(), facts) if v.source == "answer"]
        if not views:
            self.turn.say("no_answers_yet")
            return await self.resume()
        fmt = self._format("answer_button")
        buttons = [
            button(fmt.format(question=v.question, value=v.display), "change_answer", question_id=v.question_id)
            for v in views
        ]
        return self.turn.say("answers_list", buttons=buttons)

    async def restart(self) -> Turn:
        self.state.reset()
        return self.turn.say("start_over")

    async def materials(self) -> Turn:
        state = self.state
        detour = await self._misread_need()
        if detour is not None:
            return detour
        if not state.bundle_id:
            self.turn.say("no_active_bundle")
            return self._offer_browse(None)
        outcome = await self._outcome()
        self._say_materials(outcome)
        if not outcome.complete:
            self.turn.say("materials_may_grow")
        return await self.resume()

    async def human(self) -> Turn:
        reason = "asked_by_user" if self.msg.intent == "ask_human" else self.msg.intent or "asked_by_user"
        return self.turn.say("handoff", custom=handoff_custom(reason))

    async def status(self) -> Turn:
        expected = await self._expected_reply() if not self.msg.entity("receipt_no") else None
        if expected is not None:
            return expected
        reference = self.msg.entity("receipt_no") or (self.state.application or {}).get("receipt_no")
        if not reference:
            return self.turn.say("ask_receipt_no")
        if self.s.handoff is None:
            return self.turn.say("status_unavailable")
        report = await self.s.handoff.status(str(reference).strip().upper())
        status = getattr(report, "status", "unavailable")
        if status in ("not_found",):
            return self.turn.say("status_not_found", params={"reference": reference})
        if status == "unavailable":
            return self.turn.say("status_unavailable")
        return self.turn.say(
            "status",
            params={
                "reference": getattr(report, "receipt_no", None) or reference,
                "status": self.cat.label("application_status", status),
            },
        )

    async def rate(self) -> Turn:
        state = self.state
        if state.stage not in ("rating", "comment"):
            expected = await self._expected_reply()
            if expected is not None:
                return expected
        stars = self._stars()
        comment_text = (
            self.msg.text if self.msg.intent not in ("affirm", "deny") and not self.msg.text.startswith("/") else None
        )
        receipt = (state.application or {}).get("receipt_no")
        if state.stage == "comment" and stars is None:
            if self.s.ratings and comment_text:
                self.s.ratings.record(self.msg.sender_id, state.bundle_id, receipt, None, comment_text)
            state.stage = "idle"
            return self.turn.say("comment_thanks")
        if stars is None:
            return self._ask_rating()
        if self.s.ratings:
            self.s.ratings.record(
                self.msg.sender_id,
                state.bundle_id,
                receipt,
                stars,
                comment_text if comment_text and len(comment_text) > 3 else None,
            )
        state.stage = "comment"
        return self.turn.say(
            "rating_thanks", params={"stars": stars}, buttons=[button(self._label("no_comment"), "deny")]
        )

    async def correct_field(self) -> Turn:
        """ "电话写错了，应该是138…": find the field by its label or type, take the value if given."""
        state = self.state
        if state.stage not in ("filling", "reviewing", "consent"):
            if state.stage == "asking":
                return await self.reply()
            return self.turn.say("no_form_yet")
        lines = await self._form_lines()
        target = self._field_named(self.msg.text, lines) or self.msg.entity("field_id")
        if not target:
            return self._offer_corrections()
        definition = self.cat.fields[target]
        value = read_field(definition, self.msg.text, self.msg.entities, self.today)
        if value.value is not None and value.value not in definition.label:
            state.form[target] = value.value
            return await self._review()
        return self._ask_field(target, correcting=True)

    async def browse(self) -> Turn:
        expected = await self._expected_reply()
        if expected is not None:
            return expected
        category_id = self.msg.entity("category_id")
        if category_id:
            bundles = [b for b in self.cat.bundles.values() if b.category == category_id]
            if bundles:
                candidates = [Candidate(b.id, b.name, 0.0) for b in bundles]
                self.state.stage, self.state.candidates = "choosing", [b.id for b in bundles]
                category = self.cat.categories[category_id]
                return self.turn.say(
                    "browse_category",
                    params={"category": category.name},
                    buttons=[button(b.name, "choose_bundle", bundle_id=b.id) for b in bundles],
                    custom=bundle_choice_custom(candidates),
                )
        return self._offer_browse("browse")

    async def resume(self) -> Turn:
        """After small talk or a detour: repeat what we were waiting for."""
        stage = self.state.stage
        if stage == "asking" and self.state.pending_question:
            self.turn.say("resume")
            return await self._ask_next(repeat=True)
        if stage == "filling" and self.state.pending_field:
            return self._ask_field(self.state.pending_field)
        if stage == "reviewing":
            return self._review_prompt()
        if stage == "consent":
            return self._ask_consent()
        if stage == "rating":
            return self._ask_rating()
        if stage in ("choosing", "confirming") and self.state.candidates:
            return self._offer_candidates([self._candidate(b) for b in self.state.candidates])
        return self.turn

    async def smalltalk(self) -> Turn:
        """Greetings, thanks, chit-chat, out-of-scope: answered, then back to the pending step.
        While a value is expected, such text is usually the value ("张测试" is not chit-chat)."""
        expected = await self._expected_reply()
        if expected is not None:
            return expected
        key = {"greet": "greet", "thank": "thank", "goodbye": "goodbye", "out_of_scope": "out_of_scope"}.get(
            self.msg.intent or "", "chitchat"
        )
        if key == "greet" and self.state.stage == "idle":
            return self.turn.say(
                "greet",
                buttons=[button(self._label("browse"), "ask_browse"), button(self._label("human"), "ask_human")],
            )
        self.turn.say(key)
        return self.turn if key == "goodbye" else await self.resume()

    async def _expected_reply(self) -> Optional[Turn]:
        """Free text while a form value or a comment is awaited is that value; while a question
        is pending, it is an answer when the engine understands it as one."""
        text = self.msg.text or ""
        if not text or text.startswith("/"):
            return None
        if self.state.stage in ("filling", "comment"):
            return await self.reply()
        if self.state.stage == "asking" and await self._try_answer_pending():
            return self.turn
        return None

    async def empty(self) -> Turn:
        self.turn.say("empty_message")
        return await self.resume()

    # == questionnaire ========================================================================

    def _answers(self) -> Dict[str, Any]:
        """Answers in the engine's types (dates back from ISO strings)."""
        bundle_id = self.state.bundle_id
        if not bundle_id:
            return {}
        by_id = self.engine.compiled(bundle_id).by_id
        out = {}
        for qid, value in self.state.answers.items():
            if qid in by_id:
                try:
                    out[qid] = coerce_answer(by_id[qid].question, value)
                except InvalidAnswer:
                    continue
        return out

    def _pending(self) -> Optional[Question]:
        if self.state.stage != "asking" or not self.state.bundle_id or not self.state.pending_question:
            return None
        return self.engine.compiled(self.state.bundle_id).by_id[self.state.pending_question].question

    async def _ask_next(self, repeat: bool = False) -> Turn:
        state = self.state
        facts = await self.facts()
        step = self.engine.next_question(state.bundle_id, self._answers(), facts)
        if step.done:
            state.pending_question = None
            return await self._finish_questionnaire()
        question = step.question
        state.pending_question, state.stage = question.id, "asking"
        self.turn.say(
            None,
            text=question.text,
            buttons=question_buttons(self.cat, question),
            custom=question_custom(self.cat, state.bundle_id, question, step.progress),
        )
        return self.turn

    async def _answer_from_payload(self) -> bool:
        qid, value = self.msg.entity("question_id"), self.msg.entity("value")
        if qid is None or not self.state.bundle_id:
            return False
        by_id = self.engine.compiled(self.state.bundle_id).by_id
        if qid not in by_id:
            return False
        if by_id[qid].question.kind == "multi":
            # Rasa turns a list in a payload into one entity per element (none for []).
            value = [e.get("value") for e in self.msg.entities if e.get("entity") == "value"]
        elif value is None:
            return False
        await self._apply(str(qid), value)
        return True

    async def _try_answer_pending(self, explain_failure: bool = False) -> bool:
        question = self._pending()
        if question is None:
            return False
        result = self.engine.interpret(self.state.bundle_id, question.id, self.msg.text, self.today)
        if isinstance(result, NotUnderstood):
            if not explain_failure:
                return False
            if self.msg.intent == "describe_need" and self._route_elsewhere():
                return True
            response = {
                "unsure": "answer_unsure",
                "out_of_range": "answer_out_of_range",
                "ambiguous": "answer_ambiguous",
            }.get(result.reason, "answer_not_understood")
            if response == "answer_not_understood" and question.kind in ("date", "number"):
                response = f"answer_not_understood_{question.kind}"
            self.turn.say(response, params={"why": question.why, "detail": result.detail})
            await self._ask_next(repeat=True)
            return True
        await self._apply(question.id, result.value)
        return True

    async def _apply(self, qid: str, value: Any) -> None:
        state = self.state
        facts = await self.facts()
        try:
            answers = self.engine.set_answer(state.bundle_id, self._answers(), qid, value, facts)
        except InvalidAnswer:
            question = self.engine.compiled(state.bundle_id).by_id[qid].question
            self.turn.say("answer_not_understood", params={"why": question.why, "detail": ""})
            await self._ask_next(repeat=True)
            return
        state.answers = _json_answers(answers)
        state.history = [q for q in state.history if q != qid and q in state.answers] + [qid]
        if state.stage != "asking":
            state.stage = "asking"
        await self._ask_next()

    def _route_elsewhere(self) -> bool:
        """A clear need for another bundle in the middle of a questionnaire: offer the switch."""
        candidates = self.engine.route(self.msg.text, 3)
        if not candidates or candidates[0].bundle_id == self.state.bundle_id or candidates[0].score < CONFIDENT_SCORE:
            return False
        current = self.cat.bundle(self.state.bundle_id)
        self.turn.say(
            "switch_bundle",
            params={"bundle_name": candidates[0].name, "current": current.name},
            buttons=[button(c.name, "choose_bundle", bundle_id=c.bundle_id) for c in candidates[:2]]
            + [button(self._label("continue_current").format(name=current.short_name or current.name), "resume")],
            custom=bundle_choice_custom(candidates[:2]),
        )
        return True

    # == after the questionnaire: summary, notice, form ====================================

    async def _outcome(self) -> Outcome:
        # One turn may show the notice, the form and the review: compute each answer set once.
        key = (self.state.bundle_id, json.dumps(self.state.answers, sort_keys=True, default=str))
        if self._outcome_memo is None or self._outcome_memo[0] != key:
            outcome = self.engine.outcome(self.state.bundle_id, self._answers(), await self.facts())
            self._outcome_memo = (key, outcome)
        return self._outcome_memo[1]

    async def _finish_questionnaire(self) -> Turn:
        outcome = await self._outcome()
        self._say_summary(outcome)
        self._say_materials(outcome)
        lines = self._with_applicant_fields(outcome.fields)
        self.turn.say(
            "form_intro",
            params=self._form_params(lines),
            custom=form_custom(self.cat, outcome.bundle_id, self._display_lines(lines), outcome.prefill_ratio),
            text=None,
        )
        return self._next_missing_or_review(lines)

    def _say_summary(self, outcome: Outcome) -> None:
        fmt = self._format("item_line")
        lines = "\n".join(
            fmt.format(
                index=n,
                name=i.name,
                department=i.department_name,
                mode=self.cat.label("handling_mode", i.handling_mode),
                days=i.promised_days,
            )
            for n, i in enumerate(outcome.items, 1)
        )
        s = outcome.summary
        self.turn.say(
            "bundle_summary",
            custom=bundle_custom(self.cat, outcome),
            params={
                "bundle_name": outcome.bundle_name,
                "count": len(outcome.items),
                "items": lines,
                "mode": self.cat.label("handling_mode", s.handling_mode),
                "trips": self.cat.label("trips", str(s.trips)),
                "days": s.time_limit_days,
            },
        )

    def _say_materials(self, outcome: Outcome) -> None:
        names = {i.item_id: i.name for i in outcome.items}
        fmt = self._format("material_line")
        out = []
        for n, m in enumerate(outcome.materials, 1):
            note = ""
            if m.status == "exempt":
                note = self._format("material_exempt").format(licence=m.covered_by_name)
            elif m.status == "produced":
                note = self._format("material_produced").format(item=names.get(m.produced_by or "", ""))
            elif m.status in ("deferrable", "commitment"):
                note = self._format(f"material_{m.status}")
            out.append(
                fmt.format(
                    index=n,
                    name=m.name,
                    copies=m.copies,
                    note=note,
                    form=self.cat.label("original", str(m.original).lower()),
                )
            )
        s = outcome.summary
        self.turn.say(
            "materials_notice",
            custom=materials_custom(self.cat, outcome),
            params={
                "bundle_name": outcome.bundle_name,
                "before": s.before,
                "after": s.after,
                "exempt": s.exempt,
                "produced": s.produced,
                "materials": "\n".join(out),
            },
        )

    def _with_applicant_fields(self, lines: List[FieldLine]) -> List[FieldLine]:
        present = {line.field_id for line in lines}
        extra = []
        for field_id in APPLICANT_FIELDS:
            if field_id not in present and field_id in self.cat.fields:
                definition = self.cat.fields[field_id]
                value, source = self._identity_value(definition)
                extra.append(
                    FieldLine(
                        field_id,
                        definition.label,
                        definition.type,
                        value,
                        mask_value(definition.type, value),
                        source,
                        None,
                        True,
                        list(definition.options),
                        definition.hint,
                    )
                )
        return extra + lines

    def _identity_value(self, definition: FormField):
        facts = self._facts
        for src in definition.sources:
            if src.identity and facts is not None and facts.identity.get(src.identity):
                return str(facts.identity[src.identity]), "identity"
        return None, None

    async def _form_lines(self) -> List[FieldLine]:
        outcome = await self._outcome()
        return self._with_applicant_fields(outcome.fields)

    def _display_lines(self, lines: List[FieldLine]) -> List[FieldLine]:
        shown = []
        for line in lines:
            typed = self.state.form.get(line.field_id)
            if typed:
                line = FieldLine(
                    line.field_id,
                    line.label,
                    line.type,
                    typed,
                    mask_value(line.type, typed),
                    "applicant",
                    None,
                    line.required,
                    line.options,
                    line.hint,
                )
            shown.append(line)
        return shown

    def _form_params(self, lines: List[FieldLine]) -> Dict[str, Any]:
        shown = self._display_lines(lines)
        fmt, src_fmt, missing = self._format("field_line"), self._format("field_source"), self._format("field_missing")
        text = "\n".join(
            fmt.format(
                label=f.label,
                value=f.display or missing,
                source=src_fmt.format(source=self.cat.label("source", f.source)) if f.source else "",
            )
            for f in shown
        )
        filled = sum(1 for f in shown if f.source and f.source != "applicant")
        return {"fields": text, "prefilled": filled, "total": len(shown)}

    def _missing(self, lines: List[FieldLine]) -> List[str]:
        return [
            line.field_id
            for line in lines
            if line.required and not line.value and not self.state.form.get(line.field_id)
        ]

    def _next_missing_or_review(self, lines: List[FieldLine]) -> Turn:
        missing = self._missing(lines)
        if missing:
            return self._ask_field(missing[0])
        self.state.stage, self.state.pending_field = "reviewing", None
        return self._review_prompt()

    def _ask_field(self, field_id: str, correcting: bool = False) -> Turn:
        definition = self.cat.fields[field_id]
        self.state.stage, self.state.pending_field = "filling", field_id
        buttons = [button(o, "correct_field", field_id=field_id, value=o) for o in definition.options]
        self.turn.say(
            "ask_field_correct" if correcting else "ask_field",
            params={"label": definition.label, "hint": definition.hint or ""},
            buttons=buttons,
        )
        return self.turn

    async def _fill_field(self) -> Turn:
        state = self.state
        field_id = state.pending_field
        if not field_id or field_id not in self.cat.fields:
            return await self._review()
        definition = self.cat.fields[field_id]
        given = self.msg.entity("value")
        text = str(given) if given is not None and self.msg.entity("field_id") == field_id else self.msg.text
        value = read_field(definition, text, self.msg.entities, self.today)
        if value.value is None:
            self.turn.say(
                "field_invalid",
                params={
                    "label": definition.label,
                    "problem": self.cat.label("field_problem", value.problem or "pattern"),
                },
            )
            return self._ask_field(field_id)
        state.form[field_id] = value.value
        state.pending_field = None
        lines = await self._form_lines()
        missing = self._missing(lines)
        if missing:
            return self._ask_field(missing[0])
        return await self._review()

    async def _review(self) -> Turn:
        lines = await self._form_lines()
        missing = self._missing(lines)
        if missing:
            return self._ask_field(missing[0])
        outcome = await self._outcome()
        self.state.stage, self.state.pending_field = "reviewing", None
        self.turn.say(
            "form_review",
            params=self._form_params(lines),
            custom=form_custom(self.cat, outcome.bundle_id, self._display_lines(lines), outcome.prefill_ratio),
        )
        return self._review_prompt()

    def _review_prompt(self) -> Turn:
        return self.turn.say(
            "confirm_form",
            buttons=[button(self._label("form_ok"), "affirm"), button(self._label("form_change"), "deny")],
        )

    def _offer_corrections(self) -> Turn:
        fields = []
        if self.state.bundle_id:
            cb = self.engine.compiled(self.state.bundle_id)
            seen = set()
            for field_id in list(APPLICANT_FIELDS) + [u.use.ref for u in cb.fields]:
                if field_id in self.cat.fields and field_id not in seen:
                    seen.add(field_id)
                    fields.append(field_id)
        self.state.stage = "reviewing"
        return self.turn.say(
            "which_field", buttons=[button(self.cat.fields[f].label, "correct_field", field_id=f) for f in fields[:12]]
        )

    def _ask_consent(self) -> Turn:
        self.state.stage = "consent"
        self.state.submission_key = self.state.submission_key or uuid.uuid4().hex
        return self.turn.say(
            "consent", buttons=[button(self._label("consent_yes"), "affirm"), button(self._label("consent_no"), "deny")]
        )

    async def _submit(self) -> Turn:
        state = self.state
        outcome = await self._outcome()
        lines = self._with_applicant_fields(outcome.fields)
        identity = await self.s.who(state.identity_token)
        licences = profile_of(identity)[1] if identity else {}
        if self.s.handoff is None:
            return self.turn.say("submit_unavailable")
        draft = build_draft(
            self.cat,
            outcome,
            lines,
            state.form,
            identity,
            self.cat.bundle(state.bundle_id).audience,
            state.channel,
            self.msg.sender_id or "unknown",
            licences,
        )
        state.submission_key = state.submission_key or uuid.uuid4().hex
        draft = draft.copy(update={"idempotency_key": state.submission_key})
        try:
            receipt = await self.s.handoff.submit(draft)
        except Exception:  # noqa: BLE001 - even the local outbox failed: say so, keep the form
            logger.exception("submission could not be stored")
            return self.turn.say("submit_unavailable")
        data = receipt.dict() if hasattr(receipt, "dict") else dict(receipt)
        if data.get("status") == "rejected":
            return self._rejected(data)
        state.submission_key = None
        state.application = {k: data.get(k) for k in ("application_id", "receipt_no", "status", "bundle_id")}
        state.application["next_steps"] = [
            s.get("text") if isinstance(s, dict) else getattr(s, "text", str(s)) for s in data.get("next_steps") or []
        ]
        response = "submitted" if data.get("status") == "submitted" else "queued"
        self.turn.say(
            response,
            custom=application_custom({**state.application}),
            params={"receipt_no": data.get("receipt_no"), "next_steps": "\n".join(state.application["next_steps"])},
        )
        return self._ask_rating()

    def _rejected(self, data: Dict[str, Any]) -> Turn:
        errors = data.get("errors") or []
        names = []
        for error in errors:
            path = (error.get("field") if isinstance(error, dict) else getattr(error, "field", "")) or ""
            field_id = path.split(".")[-1]
            field_id = {"name": "applicant_name", "id_number": "applicant_id_number", "phone": "applicant_phone"}.get(
                field_id, field_id
            )
            if path.startswith("applicant."):
                field_id = {
                    "name": "applicant_name",
                    "id_number": "applicant_id_number",
                    "phone": "applicant_phone",
                }.get(path.split(".", 1)[1], field_id)
            if field_id in self.cat.fields:
                names.append(field_id)
        labels = "、".join(self.cat.fields[f].label for f in names) or self._label("some_fields")
        self.turn.say("rejected", params={"fields": labels})
        if names:
            self.state.form.pop(names[0], None)
            return self._ask_field(names[0], correcting=True)
        return self._offer_corrections()

    def _ask_rating(self) -> Turn:
        self.state.stage = "rating"
        return self.turn.say("ask_rating", buttons=[button("★" * n, "rate", rating=n) for n in range(5, 0, -1)])

    # == routing ==============================================================================

    async def _route(self, text: str) -> Turn:
        text = (text or "").strip()
        if not text or text.startswith("/"):
            return self.turn.say("ask_need")
        candidates = self.engine.route(text, 3)
        if not candidates:
            return self._offer_browse("no_route", human=True)
        self.state.need_text = text
        top = candidates[0]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        if top.score >= CONFIDENT_SCORE and top.score - runner_up >= CLEAR_MARGIN:
            self.state.stage, self.state.candidates = "confirming", [top.bundle_id]
            bundle = self.cat.bundle(top.bundle_id)
            return self.turn.say(
                "confirm_bundle",
                params={"bundle_name": bundle.name, "description": bundle.description},
                buttons=[
                    button(self._label("confirm_yes"), "choose_bundle", bundle_id=top.bundle_id),
                    button(self._label("confirm_no"), "deny"),
                ],
                custom=bundle_choice_custom([top]),
            )
        close = [c for c in candidates if c.score >= CHOICE_MIN_SCORE][:3]
        self.state.stage, self.state.candidates = "choosing", [c.bundle_id for c in close]
        return self._offer_candidates(close)

    def _offer_candidates(self, candidates: List[Candidate]) -> Turn:
        return self.turn.say(
            "bundle_choice",
            buttons=[button(c.name, "choose_bundle", bundle_id=c.bundle_id) for c in candidates]
            + [button(self._label("none_of_these"), "ask_browse")],
            custom=bundle_choice_custom(candidates),
        )

    def _candidate(self, bundle_id: str) -> Candidate:
        return Candidate(bundle_id, self.cat.bundle(bundle_id).name, 0.0)

    def _pick_candidate(self, text: str) -> Optional[str]:
        candidates = self.state.candidates
        if not candidates or not text:
            return None
        found = find_number(text)
        if found and 1 <= found.value <= len(candidates) and len(text) <= 6:
            return candidates[int(found.value) - 1]
        hits = [
            b
            for b in candidates
            if any(name and name in text for name in (self.cat.bundle(b).name, self.cat.bundle(b).short_name))
        ]
        return hits[0] if len(hits) == 1 else None

    def _offer_browse(self, response: Optional[str], human: bool = False) -> Turn:
        buttons = [
            button(c.name, "ask_browse", category_id=c.id)
            for c in self.cat.categories.values()
            if any(b.category == c.id for b in self.cat.bundles.values())
        ]
        if human:
            buttons.append(button(self._label("human"), "ask_human"))
        return self.turn.say(response or "browse", buttons=buttons)

    # == small helpers ========================================================================

    def _yes_no(self) -> Optional[bool]:
        if self.msg.intent == "affirm":
            return True
        if self.msg.intent == "deny":
            return False
        text = (self.msg.text or "").strip()
        vocab = self.cat.vocabulary
        if any(text.startswith(w) for w in sorted(vocab.no_words, key=len, reverse=True) if len(w) > 1):
            return False
        if text in vocab.no_words:
            return False
        if text in vocab.yes_words or any(text.startswith(w) for w in vocab.yes_words if len(w) > 1):
            return True
        return None

    def _stars(self) -> Optional[int]:
        text = self.msg.text or ""
        value = self.msg.entity("rating")
        found = find_number(str(value)) if value is not None else None
        found = found or find_number(text)
        stars = int(found.value) if found else text.count("★") or None
        return stars if stars is not None and 1 <= stars <= 5 else None

    def _field_named(self, text: str, lines: List[FieldLine]) -> Optional[str]:
        text = text or ""
        best, best_len = None, 0
        for line in lines:
            for name in (line.label, line.label.replace("申请人", "")):
                if name and name in text and len(name) > best_len:
                    best, best_len = line.field_id, len(name)
        if best:
            return best
        for kind, words in self.cat.vocabulary.labels.get("field_type_words", {}).items():
            if any(w in text for w in words.split("|")):
                return next((line.field_id for line in lines if line.type == kind), None)
        return None

    def _answers_text(self, qids: List[str]) -> str:
        views = {v.question_id: v for v in self.engine.answers_view(self.state.bundle_id, self._answers())}
        fmt = self._format("answer_summary")
        return "；".join(fmt.format(question=views[q].question, value=views[q].display) for q in qids if q in views)

    def _format(self, key: str) -> str:
        return self.cat.label("format", key)

    def _label(self, key: str) -> str:
        return self.cat.label("button", key)


def _json_answers(answers: Dict[str, Any]) -> Dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in answers.items()}
