"""One method per thing a person can do in a conversation; each returns the new state and what
to say. The engine decides policy; this only routes turns (smart-answers' "flows only route").
The steps live in small mixins by phase: routing, questionnaire, form, hand-off."""

from __future__ import annotations

from typing import Optional

from bot.catalogue.values import InvalidAnswer
from bot.dialogue.base import ConversationBase, _json_answers
from bot.dialogue.form_steps import FormSteps
from bot.dialogue.handoff_steps import HandoffSteps
from bot.dialogue.messages import button, handoff_custom
from bot.dialogue.questionnaire_steps import QuestionnaireSteps
from bot.dialogue.routing_steps import RoutingSteps
from bot.dialogue.turn import Incoming, Turn

__all__ = ["Conversation", "Incoming", "Turn", "ConversationBase"]


class Conversation(RoutingSteps, QuestionnaireSteps, FormSteps, HandoffSteps):
    """The entry points, one per intent family; actions/ call exactly one per turn."""

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
