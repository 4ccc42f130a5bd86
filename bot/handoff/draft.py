"""ApplicationDraft: the POST /applications body, with its idempotency key drawn once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Dict, List, Optional

from pydantic import Field

from bot.identity.model import Identity
from bot.intake.contract import Applicant, ApplicationBody, Channel, Consent, Item, Material, Proxy


def _new_key() -> str:
    return uuid.uuid4().hex


class ApplicationDraft(ApplicationBody):
    """The key is made when the draft is made and travels with it: keep the draft whole (e.g.
    `draft.dict()` in a slot, `ApplicationDraft.parse_obj` back) and every retry reuses it."""

    idempotency_key: str = Field(default_factory=_new_key, min_length=8, max_length=128)

    @classmethod
    def build(
        cls,
        *,
        bundle_id: str,
        catalogue_version: str,
        items: List[Item],
        applicant: Applicant,
        channel: Channel,
        conversation_id: str,
        consent_given: bool,
        consent_text_version: str,
        form: Optional[Dict[str, Any]] = None,
        materials: Optional[List[Material]] = None,
        consent_at: Optional[datetime] = None,
        proxy: Optional[Proxy] = None,
    ) -> ApplicationDraft:
        return cls(
            bundle_id=bundle_id,
            catalogue_version=catalogue_version,
            items=items,
            applicant=applicant,
            form=form or {},
            materials=materials or [],
            channel=channel,
            conversation_id=conversation_id,
            consent=Consent(
                given=consent_given,
                at=consent_at or datetime.now(UTC),
                text_version=consent_text_version,
            ),
            proxy=proxy,
        )

    def json(self, **kwargs: Any) -> str:  # type: ignore[override]
        # An application nobody submitted for someone else is the same bytes as before 代办 existed.
        if self.proxy is None:
            kwargs["exclude"] = set(kwargs.get("exclude") or ()) | {"proxy"}
        return super().json(**kwargs)


def applicant_from_identity(identity: Identity) -> Applicant:
    """The applicant block for a logged-in user (for an enterprise: its legal representative's
    ID number and phone, with the credit code)."""
    return Applicant(
        kind=identity.kind,
        name=identity.name,
        id_number=identity.id_number,
        phone=identity.phone,
        credit_code=identity.credit_code if identity.kind == "enterprise" else None,
    )
