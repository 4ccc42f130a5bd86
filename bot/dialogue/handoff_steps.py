"""Consent, hand-off to the application API, status questions and the rating (好差评)."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Dict

from bot.dialogue.application import build_draft
from bot.dialogue.base import ConversationBase
from bot.dialogue.messages import application_custom, button
from bot.dialogue.services import profile_of
from bot.dialogue.turn import Turn

logger = logging.getLogger(__name__)


class HandoffSteps(ConversationBase):
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
