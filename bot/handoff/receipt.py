"""What the bot tells the citizen: the Receipt after submitting, the StatusReport when asked."""

from __future__ import annotations

from typing import List, Literal, Optional, Union

from pydantic import BaseModel, Field

from bot.intake.contract import (
    ApplicationStatus,
    ApplicationView,
    FieldError,
    HistoryEntry,
    NextStep,
)


class Receipt(BaseModel):
    """submitted: the API has it, `receipt_no` is the real 受理编号.
    queued: kept in the outbox for later delivery, `receipt_no` is a provisional reference
    the citizen can ask about. rejected: `errors` say what to fix (nothing was filed)."""

    status: Literal["submitted", "queued", "rejected"]
    receipt_no: str
    bundle_id: str
    application_id: Optional[str] = None
    errors: List[FieldError] = Field(default_factory=list)
    next_steps: List[NextStep] = Field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return self.status != "submitted"


# The API's statuses, plus: queued (still in the outbox), rejected (the API refused the
# content: see errors), not_found (no such reference), unavailable (the API cannot answer now).
ReportStatus = Union[ApplicationStatus, Literal["queued", "rejected", "not_found", "unavailable"]]


class StatusReport(BaseModel):
    reference: str  # what was asked about, as given
    status: ReportStatus
    application_id: Optional[str] = None
    receipt_no: Optional[str] = None  # the real 受理编号 once the API has the application
    provisional_ref: Optional[str] = None  # the reference given while it was queued
    bundle_id: Optional[str] = None
    history: List[HistoryEntry] = Field(default_factory=list)
    errors: List[FieldError] = Field(default_factory=list)

    @classmethod
    def from_view(
        cls, reference: str, view: ApplicationView, provisional_ref: Optional[str] = None
    ) -> StatusReport:
        return cls(
            reference=reference,
            status=view.status,
            application_id=view.application_id,
            receipt_no=view.receipt_no,
            provisional_ref=provisional_ref,
            bundle_id=view.bundle_id,
            history=view.history,
        )
