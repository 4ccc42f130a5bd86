"""The conversation's state, kept in one Rasa slot as plain JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Optional

# idle → (choosing | confirming) → asking → filling → reviewing → consent → rating → comment → idle
STAGES = ("idle", "choosing", "confirming", "asking", "filling", "reviewing", "consent", "rating", "comment")


@dataclass
class ConversationState:
    stage: str = "idle"
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

    @classmethod
    def from_slot(cls, value: Any) -> ConversationState:
        if not isinstance(value, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        state = cls(**{k: v for k, v in value.items() if k in known})
        if state.stage not in STAGES:
            state.stage = "idle"
        return state

    def to_slot(self) -> Dict[str, Any]:
        return asdict(self)

    def start_bundle(self, bundle_id: str) -> None:
        """A fresh questionnaire for `bundle_id`; who the person is stays known."""
        self.previous_bundle = self.bundle_id if self.bundle_id != bundle_id else self.previous_bundle
        self.bundle_id = bundle_id
        self.answers, self.history, self.form = {}, [], {}
        self.pending_question = self.pending_field = None
        self.candidates = []
        self.submission_key = None
        self.stage = "asking"

    def reset(self) -> None:
        keep = (self.identity_token, self.channel)
        fresh = ConversationState()
        for f in fields(self):
            setattr(self, f.name, getattr(fresh, f.name))
        self.identity_token, self.channel = keep
