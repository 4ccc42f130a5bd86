"""The questionnaire in conversation: ask the engine's next question, read answers, go back."""

from __future__ import annotations

from typing import Any, List

from bot.catalogue.values import InvalidAnswer
from bot.dialogue.base import ConversationBase, _json_answers
from bot.dialogue.messages import button, question_buttons, question_custom
from bot.dialogue.turn import Turn
from bot.engine.interpret import NotUnderstood


class QuestionnaireSteps(ConversationBase):
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
            if result.reason == "ambiguous" and question.kind == "single" and result.options:
                # Offer only the options the reply could mean.
                self.turn.say(
                    response,
                    buttons=[
                        button(label, "answer", question_id=question.id, value=value) for value, label in result.options
                    ],
                )
                return True
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

    def _answers_text(self, qids: List[str]) -> str:
        views = {v.question_id: v for v in self.engine.answers_view(self.state.bundle_id, self._answers())}
        fmt = self._format("answer_summary")
        return "；".join(fmt.format(question=views[q].question, value=views[q].display) for q in qids if q in views)
