"""The one way into the dialogue: `Dialogue.handle(incoming) -> Turn`.

A turn holds the conversation in the store, records what the person sent, runs the one step
the table (bot/dialogue/table.py) names for the stage and intent, and saves the new state,
the choices shown and the transcript together. Whatever goes wrong, the person gets a polite
sentence and the saved conversation stays as it was.

While the person waits for the desk or an agent holds the conversation (mode waiting | agent),
the table does not answer: steps/handoff.py does. An agent acting for the person (bot/desk) runs
the table in any mode; that turn records nothing itself: the desk delivers what it says."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from datetime import date
from typing import Optional

from bot.db import DatabaseUnavailable
from bot.dialogue import table
from bot.dialogue.context import Context
from bot.dialogue.messages import Say, stamped
from bot.dialogue.services import Services
from bot.dialogue.stage import Mode, Stage
from bot.dialogue.state import ConversationState
from bot.dialogue.steps import handoff, stale
from bot.dialogue.store import Conversation, ConversationBusy, ConversationStore, LeaseLost
from bot.dialogue.turn import Incoming, Turn
from bot.engine.outcome import mask_value
from bot.privacy import mask_name

logger = logging.getLogger(__name__)

# Fields whose typed value is a person's name: kept masked in the transcript.
_NAME_SOURCES = ("name", "legal_representative")


# A conversation idle this long starts afresh: its answers and form (personal data) are not
# carried into what is, for the person, a new visit.
SESSION_TTL_S = 7200


class Dialogue:
    def __init__(self, services: Services, store: ConversationStore, session_ttl_s: float = SESSION_TTL_S) -> None:
        self.services = services
        self.store = store
        self.session_ttl_s = session_ttl_s

    async def handle(self, incoming: Incoming, today: Optional[date] = None, agent_no: Optional[str] = None) -> Turn:
        """`agent_no`: staff act for the person (answer, correct, submit) whatever the mode."""
        try:
            async with self.store.turn(incoming.sender_id, incoming.channel or "rest") as conversation:
                return await self._run(conversation, incoming, today, agent_no)
        except Exception as error:  # noqa: BLE001 - a citizen never sees a traceback; nothing was saved
            if agent_no is not None:
                raise  # the desk tells the agent; the person hears nothing of it
            return self._failed(incoming, error)

    def _failed(self, incoming: Incoming, error: Exception) -> Turn:
        if isinstance(error, ConversationBusy):
            return self._apology("conversation_busy")
        if isinstance(error, (DatabaseUnavailable, LeaseLost)):
            return self._apology("try_again_later")
        logger.exception("turn failed for conversation %s", (incoming.sender_id or "")[:12])
        return self._apology("default")

    async def _run(self, conversation: Conversation, incoming: Incoming, today: Optional[date],
                   agent_no: Optional[str]) -> Turn:
        if incoming.message_id and incoming.message_id == conversation.last_message_id:
            return self._replayed(conversation)  # the same message again: answered already
        expired = not conversation.is_new and time.time() - conversation.updated_at > self.session_ttl_s
        interrupted = expired and conversation.state.stage is not Stage.IDLE and conversation.mode is Mode.BOT
        if expired and conversation.mode is Mode.BOT:
            conversation.state = ConversationState(channel=conversation.channel)
        ctx = Context(self.services, conversation.state, incoming, today)
        if interrupted:
            ctx.say("session_restarted")
        ctx.mode = conversation.mode
        on_screen = conversation.turn  # the turn whose buttons the person sees
        conversation.turn += 1
        conversation.channel = incoming.channel or conversation.channel
        if agent_no is None:
            conversation.log("person", self._as_recorded(ctx, conversation))
        # -- desk (P11): waiting for or held by a person at the desk, the table does not answer
        if agent_no is None and ctx.mode is not Mode.BOT:
            await handoff.while_held(ctx)
        else:
            if _pressed_earlier(ctx, on_screen):
                step = stale.pressed  # an old button never changes anything silently
            else:
                step = table.step_for(ctx.state.stage, incoming.intent or "nlu_fallback")
            await step(ctx)
            if not ctx.turn.says:
                ctx.say("ask_need") if ctx.state.stage is Stage.IDLE else ctx.say("default")
        conversation.state, conversation.mode = ctx.state, ctx.mode
        for say in ctx.turn.says:
            say.buttons = [{**b, "payload": stamped(b["payload"], conversation.turn)} for b in say.buttons]
        if ctx.turn.says:  # a silent turn (an agent holds it) keeps the choices last shown
            conversation.offered = [b for say in ctx.turn.says for b in say.buttons]
        if agent_no is None:
            for say in ctx.turn.says:
                data = {k: v for k, v in (("buttons", say.buttons), ("custom", say.custom)) if v}
                conversation.log("bot", say.text, data or None)
            conversation.last_message_id = incoming.message_id
            conversation.last_reply = [asdict(say) for say in ctx.turn.says]
        return ctx.turn

    def _replayed(self, conversation: Conversation) -> Turn:
        turn = Turn(conversation.state, self.services.engine.catalogue.messages)
        turn.says = [Say(**say) for say in conversation.last_reply or []]
        return turn

    def _as_recorded(self, ctx: Context, conversation: Conversation) -> str:
        """The person's message as the transcript keeps it: a button by the title they saw,
        a typed name, ID number or phone for the form masked (the rest is masked on save)."""
        text = ctx.text
        if ctx.is_payload:
            return conversation.offered_title(text) or text
        field_id = ctx.state.pending_field
        if ctx.state.stage is Stage.FILLING and field_id in ctx.cat.fields:
            definition = ctx.cat.fields[field_id]
            if any(src.identity in _NAME_SOURCES for src in definition.sources):
                return mask_name(text)
            return mask_value(definition.type, text) or text
        return text

    def _apology(self, key: str) -> Turn:
        turn = Turn(ConversationState(), self.services.engine.catalogue.messages)
        return turn.say(key if key in turn.messages else "default")


def _pressed_earlier(ctx: Context, on_screen: int) -> bool:
    """A button shown in an earlier turn than the last one (buttons made by the client itself,
    like the widget's toolbar, carry no turn and are always current)."""
    shown_in = ctx.msg.entity("turn") if ctx.is_payload else None
    return shown_in is not None and str(shown_in) != str(on_screen)
