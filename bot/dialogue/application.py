"""Builds the application (POST /applications body) from a finished conversation."""

from __future__ import annotations

from typing import Dict, List, Optional

from bot.catalogue.catalogue import Catalogue
from bot.engine.outcome import FieldLine, Outcome
from bot.handoff.draft import ApplicationDraft, applicant_from_identity
from bot.identity.model import Identity
from bot.intake.contract import Applicant, Item, Material, Proxy

# Every application names who applies; forms that lack these get them appended.
APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "applicant_phone")
CONSENT_VERSION = "utter_consent/v1"
CHANNELS = {"rest", "web", "wechat", "agent", "shell"}
# The application API names applicant fields by their place in its body.
_API_FIELDS = {"name": "applicant_name", "id_number": "applicant_id_number", "phone": "applicant_phone"}


def field_for_error(path: str) -> str:
    """The form field an API error points at: "applicant.phone" → applicant_phone."""
    return _API_FIELDS.get(path.split(".")[-1], path.split(".")[-1])


def form_values(lines: List[FieldLine], typed: Dict[str, str]) -> Dict[str, str]:
    """Full (unmasked) values: what the person typed wins over what was prefilled."""
    values = {line.field_id: line.value for line in lines if line.value}
    values.update({k: v for k, v in typed.items() if v})
    return values


def build_draft(
    cat: Catalogue,
    outcome: Outcome,
    lines: List[FieldLine],
    typed: Dict[str, str],
    identity: Optional[Identity],
    audience: str,
    channel: str,
    conversation_id: str,
    licences: Dict[str, Dict[str, str]],
    proxy: Optional[Dict[str, str]] = None,
) -> ApplicationDraft:
    """`proxy`: staff submit for the person (帮办代办): {agent_id, consent_method}; the application
    then comes through the agent channel."""
    values = form_values(lines, typed)
    # The unified form is the truth: prefilled from identity, corrected by the person.
    known = applicant_from_identity(identity) if identity is not None else None
    credit_code = values.get("credit_code") or (known.credit_code if known else None)
    applicant = Applicant(
        # A company being founded has no credit code yet: its founder applies as a person.
        kind="enterprise" if audience == "enterprise" and credit_code else "person",
        name=values.get("applicant_name") or (known.name if known else ""),
        id_number=values.get("applicant_id_number") or (known.id_number if known else ""),
        phone=values.get("applicant_phone") or (known.phone if known else ""),
        credit_code=credit_code if audience == "enterprise" else None,
    )
    return ApplicationDraft.build(
        bundle_id=outcome.bundle_id,
        catalogue_version=cat.version,
        items=[Item(item_id=i.item_id, name=i.name, department=i.department) for i in outcome.items],
        applicant=applicant,
        channel="agent" if proxy else channel if channel in CHANNELS else "rest",
        conversation_id=conversation_id,
        consent_given=True,
        consent_text_version=CONSENT_VERSION,
        form=values,
        materials=[
            Material(
                material_id=m.material_id,
                status=m.status,
                covered_by=m.covered_by,
                e_licence_ref=(licences.get(m.covered_by, {}) or {}).get("certificate_number")
                if m.covered_by
                else None,
            )
            for m in outcome.materials
        ],
        proxy=Proxy(**proxy) if proxy else None,
    )
