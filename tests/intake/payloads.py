"""Valid application bodies (newborn: a person; restaurant: an enterprise) and variations."""

from __future__ import annotations

import copy
import uuid
from typing import Any, Dict

NEWBORN: Dict[str, Any] = {
    "bundle_id": "newborn",
    "catalogue_version": "2024.11",
    "items": [
        {"item_id": "birth_registration", "name": "出生登记", "department": "public_security"},
        {"item_id": "resident_medical_insurance", "name": "城乡居民医保参保登记",
         "department": "medical_security"},
    ],
    "applicant": {
        "kind": "person",
        "name": "张伟",
        "id_number": "370102198805120017",
        "phone": "13800000001",
        "credit_code": None,
    },
    "form": {"child_name": "张小明", "child_birth_date": "2024-11-01"},
    "materials": [
        {"material_id": "marriage_certificate", "status": "exempt",
         "covered_by": "marriage_certificate", "e_licence_ref": "J370102-2016-000001"},
        {"material_id": "birth_medical_certificate", "status": "produced",
         "covered_by": None, "e_licence_ref": None},
        {"material_id": "vaccination_record", "status": "deferrable",
         "covered_by": None, "e_licence_ref": None},
    ],
    "channel": "web",
    "conversation_id": "test-conversation",
    "consent": {"given": True, "at": "2024-11-21T10:00:00+08:00", "text_version": "2024-01"},
}

RESTAURANT: Dict[str, Any] = {
    **NEWBORN,
    "bundle_id": "restaurant_opening",
    "items": [{"item_id": "food_business_licence", "name": "食品经营许可",
               "department": "market_regulation"}],
    "applicant": {"kind": "enterprise", "name": "济南祥云示范餐饮管理有限公司",
                  "id_number": "370102197807200091", "phone": "13800000011",
                  "credit_code": "91370102MA0000001W"},
    "form": {},
    "materials": [],
}


def newborn_application(**changes: Any) -> Dict[str, Any]:
    return _variant(NEWBORN, changes)


def restaurant_application(**changes: Any) -> Dict[str, Any]:
    return _variant(RESTAURANT, changes)


def _variant(base: Dict[str, Any], changes: Dict[str, Any]) -> Dict[str, Any]:
    """A fresh idempotency key each time; `changes` replace top-level parts, and keys such
    as applicant__id_number replace one nested value."""
    body = copy.deepcopy(base)
    body["idempotency_key"] = uuid.uuid4().hex
    for key, value in changes.items():
        outer, _, inner = key.partition("__")
        if inner:
            body[outer][inner] = value
        else:
            body[outer] = value
    return body
