"""The identity record: a person's or an enterprise's basic data and the e-licences they hold."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field


class ELicence(BaseModel):
    """One e-licence held in the 电子证照库; `fields` are those listed for its type in
    rules/e_licences.yml."""

    type_id: str
    licence_number: str
    fields: Dict[str, Any] = Field(default_factory=dict)


class Identity(BaseModel):
    """Who is logged in. For an enterprise, `id_number`/`phone` belong to its legal
    representative, who acts for it; person-only fields are then None."""

    kind: Literal["person", "enterprise"]
    subject_id: str
    name: str
    id_number: str
    phone: str
    gender: Optional[Literal["male", "female"]] = None
    birth_date: Optional[date] = None
    address: Optional[str] = None
    hukou_city: Optional[str] = None
    credit_code: Optional[str] = None
    legal_representative: Optional[str] = None
    registered_address: Optional[str] = None
    e_licences: List[ELicence] = Field(default_factory=list)

    def licence(self, type_id: str) -> Optional[ELicence]:
        return next((lic for lic in self.e_licences if lic.type_id == type_id), None)

    def holds(self, type_id: str) -> bool:
        return self.licence(type_id) is not None

    @property
    def licence_types(self) -> List[str]:
        return [lic.type_id for lic in self.e_licences]
