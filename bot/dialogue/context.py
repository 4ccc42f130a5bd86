"""What every step of one turn shares: services, the state, the message, and small readers."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Dict, Optional

from bot import clock
from bot.catalogue.model import Question
from bot.catalogue.values import InvalidAnswer, coerce_answer
from bot.dialogue.services import Services
from bot.dialogue.stage import Mode, Stage
from bot.dialogue.state import ConversationState
from bot.dialogue.turn import Incoming, Turn
from bot.engine.facts import Facts
from bot.engine.outcome import Outcome


class Context:
    """One turn: the steps read and change `state` and add to `turn`; nothing else is shared."""

    def __init__(
        self, services: Services, state: ConversationState, incoming: Incoming, today: Optional[date] = None
    ) -> None:
        self.services = services
        self.engine = services.engine
        self.cat = services.engine.catalogue
        self.state = state
        self.msg = incoming
        self.today = today or clock.today()
        # Who is signed in is what this message's verified session says: nobody's identity
        # outlives their sign-in, and a request without it never acts as them.
        state.identity_token = incoming.identity_token
        if incoming.channel:
            state.channel = incoming.channel
        self.turn = Turn(state, self.cat.messages)
        self.mode = Mode.BOT  # who answers from the next message on; the handler keeps it
        self._facts: Optional[Facts] = None
        self._outcome_memo: Optional[tuple] = None

    @property
    def text(self) -> str:
        return self.msg.text or ""

    @property
    def is_payload(self) -> bool:
        """A button press (or a typed `/intent{…}`): its intent and entities are exact."""
        return self.text.startswith("/")

    def say(self, key: Optional[str] = None, **kwargs: Any) -> Turn:
        return self.turn.say(key, **kwargs)

    async def facts(self) -> Facts:
        if self._facts is None:
            self._facts = await self.services.facts(self.state.identity_token, self.today)
        return self._facts

    def answers(self) -> Dict[str, Any]:
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

    def store_answers(self, answers: Dict[str, Any]) -> None:
        self.state.answers = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in answers.items()}

    def pending_question(self) -> Optional[Question]:
        state = self.state
        if state.stage is not Stage.ASKING or not state.bundle_id or not state.pending_question:
            return None
        found = self.engine.compiled(state.bundle_id).by_id.get(state.pending_question)
        return found.question if found else None

    async def outcome(self) -> Outcome:
        # One turn may show the notice, the form and the review: compute each answer set once.
        key = (self.state.bundle_id, json.dumps(self.state.answers, sort_keys=True, default=str))
        if self._outcome_memo is None or self._outcome_memo[0] != key:
            outcome = self.engine.outcome(self.state.bundle_id, self.answers(), await self.facts())
            self._outcome_memo = (key, outcome)
        return self._outcome_memo[1]

    def yes_no(self) -> Optional[bool]:
        if self.msg.intent == "affirm":
            return True
        if self.msg.intent == "deny":
            return False
        text = self.text.strip()
        vocab = self.cat.vocabulary
        if any(text.startswith(w) for w in sorted(vocab.no_words, key=len, reverse=True) if len(w) > 1):
            return False
        if text in vocab.no_words:
            return False
        if text in vocab.yes_words or any(text.startswith(w) for w in vocab.yes_words if len(w) > 1):
            return True
        return None

    def after_yes_no(self) -> str:
        """What follows a leading yes or no word ("不对，我是想开饭馆" → "我是想开饭馆")."""
        text = self.text.strip()
        vocab = self.cat.vocabulary
        for word in sorted([*vocab.yes_words, *vocab.no_words], key=len, reverse=True):
            if len(word) > 1 and text.startswith(word):
                return text[len(word):].lstrip("，,。.！!、 ")
        return ""

    def format(self, key: str) -> str:
        return self.cat.label("format", key)

    def label(self, key: str) -> str:
        return self.cat.label("button", key)
