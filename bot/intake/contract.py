"""The application API's wire shapes (docs/intake-openapi.yaml), shared by service and client."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field

Channel = Literal["web", "wechat", "agent", "rest", "shell"]
MaterialStatus = Literal["required", "exempt", "produced", "deferrable", "commitment"]
# submitted on arrival; departments move it on; the last three are final.
ApplicationStatus = Literal[
    "submitted", "accepted", "in_progress", "supplement_required", "completed", "refused",
    "withdrawn",
]
FINAL_STATUSES = frozenset({"completed", "refused", "withdrawn"})


class _Wire(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True


class Item(_Wire):
    item_id: str = Field(..., min_length=1)
    name: str = Field(..., min_length=1)
    department: str = Field(..., min_length=1)


class Applicant(_Wire):
    """For an enterprise, `name` is the enterprise and `id_number`/`phone` are those of the
    person acting for it."""

    kind: Literal["person", "enterprise"]
    name: str = Field(..., min_length=1)
    id_number: str
    phone: str
    credit_code: Optional[str] = None


class Material(_Wire):
    material_id: str = Field(..., min_length=1)
    status: MaterialStatus
    covered_by: Optional[str] = None  # e-licence type id (rules/e_licences.yml)
    e_licence_ref: Optional[str] = None  # that licence's number


class Consent(_Wire):
    given: bool
    at: datetime
    text_version: str = Field(..., min_length=1)


class Proxy(_Wire):
    """帮办代办: a staff member submitted for the applicant, with their consent given as stated."""

    agent_id: str = Field(..., min_length=1, max_length=16)
    consent_method: Literal["phone_verbal_recorded", "in_person_signed", "written_authorization"]


class ApplicationBody(_Wire):
    """POST /applications."""

    bundle_id: str = Field(..., min_length=1)
    catalogue_version: str = Field(..., min_length=1)
    items: List[Item]
    applicant: Applicant
    form: Dict[str, Any] = Field(default_factory=dict)
    materials: List[Material] = Field(default_factory=list)
    channel: Channel
    conversation_id: str = Field(..., min_length=1)
    consent: Consent
    idempotency_key: str = Field(..., min_length=8, max_length=128)
    # Absent when the applicant submitted themselves (older clients never send it).
    proxy: Optional[Proxy] = None


class FieldError(BaseModel):
    field: str  # dotted path, e.g. "applicant.id_number" or "items[0].name"
    code: str
    message: str


class NextStep(BaseModel):
    id: str
    text: str
    within_working_days: Optional[int] = None
    materials: List[str] = Field(default_factory=list)  # material ids the step is about


class ApplicationCreated(BaseModel):
    """201 (first time) or 200 (same idempotency key again)."""

    application_id: str
    receipt_no: str
    status: ApplicationStatus
    next_steps: List[NextStep] = Field(default_factory=list)


class HistoryEntry(BaseModel):
    status: ApplicationStatus
    at: datetime
    note: Optional[str] = None


class ApplicationView(BaseModel):
    """GET /applications/{id} and GET /applications?receipt_no=."""

    application_id: str
    receipt_no: str
    bundle_id: str
    status: ApplicationStatus
    history: List[HistoryEntry]
    next_steps: List[NextStep] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class StatusChange(_Wire):
    """POST /applications/{id}/status: a department moves the application on."""

    status: ApplicationStatus
    note: Optional[str] = Field(None, max_length=500)
