"""The facts a condition may read: what is known about the person before any question."""

from __future__ import annotations

from typing import Dict, Tuple

# name → (python type of the value, what it means). Facts come from the identity provider;
# an anonymous person has logged_in false and no e-licences.
FACTS: Dict[str, Tuple[type, str]] = {
    "logged_in": (bool, "the person signed in with a verified identity"),
    "applicant_kind": (str, "person or enterprise"),
    "e_licences": (list, "ids of the e-licence types the government holds for the person"),
    "age": (int, "age in whole years"),
    "gender": (str, "male or female"),
    "hukou_local": (bool, "the household register (户籍) is in this city"),
}
