"""The conversation's state: what the dialogue remembers between turns, kept as JSON in the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Optional

from bot.dialogue.stage import Stage


@dataclass
class ConversationState:
    stage: Stage = Stage.IDLE
    bundle_id: Optional[str] = None
    answers: Dict[str, Any] = field(default_factory=dict)  # JSON-safe: dates as ISO strings
    history: List[str] = field(default_factory=list)  # questions in the order they were answered
    pending_question: Optional[str] = None
    candidates: List[str] = field(default_factory=list)
    need_text: Optional[str] = None  # the person's own description, mined for stated facts
    form: Dict[str, str] = field(default_factory=dict)  # values the person typed or corrected
    pending_field: Optional[str] = None
    identity_token: Optional[str] = None
    channel: str = "rest"
    application: Optional[Dict[str, Any]] = None  # the last receipt
    previous_bundle: Optional[str] = None  # a switch offer can return here
    # One key per application: a repeated "submit" (double click, retry after an error)
    # reaches the application API with the same key and files nothing twice.
    submission_key: Optional[str] = None
    # Free replies not understood, per question: the second miss offers 不清楚 and a human.
    misses: Dict[str, int] = field(default_factory=dict)
    # 转人工 under way (mode waiting): {"kind": queued | callback_offer | callback_phone, "reason"}
    handoff: Optional[Dict[str, Any]] = None

    @classmethod
    def from_json(cls, value: Any) -> ConversationState:
        if not isinstance(value, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        state = cls(**{k: v for k, v in value.items() if k in known})
        try:
            state.stage = Stage(state.stage)
        except ValueError:
            state.stage = Stage.IDLE
        return state

    def to_json(self) -> Dict[str, Any]:
        data = asdict(self)
        data["stage"] = self.stage.value
        return data

    def start_bundle(self, bundle_id: str) -> None:
        """A fresh questionnaire for `bundle_id`; who the person is stays known."""
        self.previous_bundle = self.bundle_id if self.bundle_id != bundle_id else self.previous_bundle
        self.bundle_id = bundle_id
        self.answers, self.history, self.form = {}, [], {}
        self.pending_question = self.pending_field = None
        self.candidates = []
        self.submission_key = None
        self.misses = {}
        self.stage = Stage.ASKING

    def reset(self) -> None:
        keep = (self.identity_token, self.channel)
        fresh = ConversationState()
        for f in fields(self):
            setattr(self, f.name, getattr(fresh, f.name))
        self.identity_token, self.channel = keep
