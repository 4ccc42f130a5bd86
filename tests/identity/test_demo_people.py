"""The demo fixture data can be trusted: valid numbers, known e-licence types and fields."""

from __future__ import annotations

from typing import Dict, List

import pytest
import yaml

from bot.identity.demo import DemoIdentityProvider
from bot.identity.model import Identity
from bot.privacy import (
    birth_date_of,
    gender_of,
    is_valid_credit_code,
    is_valid_id_number,
    is_valid_mobile,
)
from bot.settings import ROOT

DEMO = DemoIdentityProvider.from_file()
PEOPLE: Dict[str, Identity] = {token: DEMO.get(token) for token in DEMO.tokens}  # type: ignore
PERSONS = {token: p for token, p in PEOPLE.items() if p.kind == "person"}
ENTERPRISES = {token: p for token, p in PEOPLE.items() if p.kind == "enterprise"}
LICENCE_FIELDS: Dict[str, List[str]] = {
    entry["id"]: entry["fields"]
    for entry in yaml.safe_load((ROOT / "rules" / "e_licences.yml").read_text("utf-8"))[
        "e_licences"
    ]
}
LICENCES = [
    (token, licence) for token, person in PEOPLE.items() for licence in person.e_licences
]


def test_there_are_about_a_dozen_demo_identities() -> None:
    assert 10 <= len(PEOPLE) <= 16


def test_every_token_looks_like_a_demo_token() -> None:
    assert all(token.startswith("demo-") for token in PEOPLE)


def test_subject_ids_are_unique() -> None:
    assert len({p.subject_id for p in PEOPLE.values()}) == len(PEOPLE)


@pytest.mark.parametrize("token", PEOPLE)
def test_every_id_number_passes_gb_11643(token: str) -> None:
    assert is_valid_id_number(PEOPLE[token].id_number)


@pytest.mark.parametrize("token", PEOPLE)
def test_every_phone_is_a_mobile(token: str) -> None:
    assert is_valid_mobile(PEOPLE[token].phone)


@pytest.mark.parametrize("token", ENTERPRISES)
def test_every_enterprise_credit_code_passes_gb_32100(token: str) -> None:
    assert is_valid_credit_code(ENTERPRISES[token].credit_code or "")


@pytest.mark.parametrize("token", PERSONS)
def test_birth_date_and_gender_agree_with_the_id_number(token: str) -> None:
    person = PERSONS[token]
    assert (person.birth_date, person.gender) == (
        birth_date_of(person.id_number), gender_of(person.id_number)
    )


@pytest.mark.parametrize(("token", "licence"), LICENCES, ids=[
    f"{token}:{licence.type_id}" for token, licence in LICENCES
])
def test_every_licence_type_and_field_is_in_the_registry(token: str, licence: object) -> None:
    assert set(licence.fields) <= set(LICENCE_FIELDS.get(licence.type_id, []))  # type: ignore


def test_spouses_reference_each_other() -> None:
    husband, wife = PEOPLE["demo-zhang-wei"], PEOPLE["demo-li-na"]
    assert (
        husband.licence("marriage_certificate").fields["spouse_id_number"],  # type: ignore
        wife.licence("marriage_certificate").fields["spouse_id_number"],  # type: ignore
    ) == (wife.id_number, husband.id_number)


def test_someone_holds_no_e_licence_at_all() -> None:
    assert any(not p.e_licences for p in PEOPLE.values())


def test_someone_has_a_household_register_elsewhere() -> None:
    assert {p.hukou_city for p in PERSONS.values()} - {"济南市"}


def test_an_unmarried_parent_has_a_child_but_no_marriage_certificate() -> None:
    parents = [p for p in PERSONS.values() if p.holds("birth_medical_certificate")]
    assert any(not p.holds("marriage_certificate") for p in parents)


@pytest.mark.parametrize(
    "licence", ["disability_certificate", "discharge_certificate", "retirement_certificate",
                "graduation_certificate", "food_business_licence", "road_transport_licence"],
)
def test_the_variety_of_life_situations_is_covered(licence: str) -> None:
    assert any(p.holds(licence) for p in PEOPLE.values())
