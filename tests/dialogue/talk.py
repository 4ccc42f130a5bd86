"""A conversation with the dialogue in this process: no Rasa, no HTTP. The test says which
intent the NLU would have read (button payloads are parsed as Rasa parses them)."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.catalogue import Catalogue
from bot.db import Database
from bot.desk.queue import DeskQueue
from bot.desk.rules import desk_rules
from bot.dialogue.handler import Dialogue
from bot.dialogue.messages import Say
from bot.dialogue.services import Services
from bot.dialogue.stage import Stage
from bot.dialogue.store import ConversationStore
from bot.dialogue.turn import Incoming
from bot.engine import Engine
from bot.handoff.receipt import Receipt, StatusReport
from bot.identity.demo import DemoIdentityProvider
from bot.ratings import RatingStore
from bot.sealing import Sealer
from bot.settings import ROOT
from tests.conversation.driver import value_for


@dataclass
class RecordingHandoff:
    """The application API's port as the dialogue sees it: every draft kept, receipts issued."""

    drafts: List[Any] = field(default_factory=list)

    async def submit(self, draft: Any) -> Receipt:
        self.drafts.append(draft)
        return Receipt(status="submitted", receipt_no=f"YJS-20261204-{len(self.drafts):06d}",
                       bundle_id=draft.bundle_id, application_id=uuid.uuid4().hex)

    async def earlier(self, bundle_id: str, id_number: Optional[str]) -> Optional[Receipt]:
        for n, draft in enumerate(self.drafts, 1):
            if draft.bundle_id == bundle_id and id_number and draft.applicant.id_number == id_number:
                return Receipt(status="submitted", receipt_no=f"YJS-20261204-{n:06d}", bundle_id=bundle_id)
        return None

    async def status(self, reference: str) -> StatusReport:
        known = {f"YJS-20261204-{n:06d}" for n in range(1, len(self.drafts) + 1)}
        return StatusReport(reference=reference, status="submitted" if reference in known else "not_found",
                            receipt_no=reference if reference in known else None)


def incoming(text: str, intent: Optional[str], sender: str, channel: str = "web",
             identity_token: Optional[str] = None) -> Incoming:
    """A typed message with the NLU's intent, or a button payload `/intent{json}`."""
    entities: List[Dict[str, Any]] = []
    if text.startswith("/"):
        name, brace, rest = text[1:].partition("{")
        intent = name
        for key, value in (json.loads(brace + rest) if brace else {}).items():
            values = value if isinstance(value, list) else [value]
            entities += [{"entity": key, "value": v} for v in values]
    return Incoming(text=text, intent=intent, entities=entities, sender_id=sender, channel=channel,
                    identity_token=identity_token)


class Talk:
    def __init__(self, engine: Engine, db_path: Path, identity_token: Optional[str] = None) -> None:
        self.db = Database(f"sqlite:///{db_path}")
        self.db.create_schema()
        self.handoff = RecordingHandoff()
        self.ratings = RatingStore(self.db)
        self.desk = DeskQueue(self.db, desk_rules(ROOT / "rules"), agent_timeout_s=30.0)
        services = Services(engine=engine, identity=DemoIdentityProvider.from_file(), handoff=self.handoff,
                            ratings=self.ratings, desk=self.desk)
        self.dialogue = Dialogue(services, ConversationStore(self.db, Sealer.generated()))
        self.catalogue: Catalogue = engine.catalogue
        self.sender = f"t-{uuid.uuid4().hex[:10]}"
        self.identity_token = identity_token
        self.last: List[Say] = []

    def send(self, text: str, intent: Optional[str] = None) -> List[Say]:
        message = incoming(text, intent, self.sender, identity_token=self.identity_token)
        self.last = asyncio.run(self.dialogue.handle(message)).says
        return self.last

    def press(self, title_part: str) -> List[Say]:
        for say in self.last:
            for b in say.buttons:
                if title_part in b["title"]:
                    return self.send(b["payload"])
        raise AssertionError(f"no button containing {title_part!r} in {self.texts()}")

    # -- what the bot said --------------------------------------------------------------------
    def texts(self) -> str:
        return "\n".join(s.text or "" for s in self.last)

    def custom(self, kind: str) -> Optional[Dict[str, Any]]:
        return next((s.custom for s in reversed(self.last) if (s.custom or {}).get("type") == kind), None)

    def pending(self) -> Optional[str]:
        question = self.custom("question")
        return question["question_id"] if question else None

    def said(self, key: str) -> bool:
        """Whether the bot said the rules message `key` (its fixed text before any placeholder)."""
        head = self.catalogue.messages[key].split("{")[0][:12]
        return any(head in (s.text or "") for s in self.last)

    def stored(self):
        return asyncio.run(self.dialogue.store.find(self.sender))

    @property
    def stage(self) -> Stage:
        return self.stored().state.stage

    # -- getting to a stage ---------------------------------------------------------------------
    def at(self, stage: Stage, bundle_id: str = "newborn") -> Talk:
        """Drive the conversation to `stage` by pressing buttons as a person would."""
        if stage is Stage.IDLE:
            self.send("你好", "greet")
            return self
        if stage is Stage.CONFIRMING:
            self.send("孩子刚出生要办什么", "describe_need")
            return self
        if stage is Stage.CHOOSING:
            self.send('/ask_browse{"category_id":"enterprise_start"}')
            return self
        self.send(f'/choose_bundle{{"bundle_id":"{bundle_id}"}}')
        if stage is Stage.ASKING:
            return self
        for _ in range(60):
            question = self.custom("question")
            if question is None:
                break
            first = next(b for s in self.last for b in s.buttons) if question["options"] else None
            self.send(first["payload"]) if first else self.send("2026年11月10日", "answer")
        while self.stage is Stage.FILLING and stage is not Stage.FILLING:
            field_id = self.stored().state.pending_field
            self.send(value_for(self.catalogue.fields[field_id]), "answer")
        if stage in (Stage.FILLING, Stage.REVIEWING):
            return self
        self.press("确认无误")
        if stage is Stage.CONSENT:
            return self
        self.press("同意并提交")
        if stage is Stage.RATING:
            return self
        self.send('/rate{"rating":5}')
        return self
