"""A bundle words a shared registry material or field for its own use (MaterialUse.name,
FieldUse.label and .hint), and the notice and the form show that wording; other bundles keep
the registry's. Materials whose data a department shares are 免提交 for everyone."""

from __future__ import annotations

from datetime import date

from bot.catalogue import Catalogue
from bot.engine import Engine, anonymous

TODAY = date(2026, 11, 21)
ANONYMOUS = anonymous(TODAY)


def _material(engine: Engine, bundle_id: str, answers: dict, material_id: str):
    outcome = engine.outcome(bundle_id, answers, ANONYMOUS)
    return next(m for m in outcome.materials if m.material_id == material_id)


def _field(engine: Engine, bundle_id: str, answers: dict, field_id: str):
    outcome = engine.outcome(bundle_id, answers, ANONYMOUS)
    return next(f for f in outcome.fields if f.field_id == field_id)


RESTAURANT = {"has_business_licence": False, "floor_area": 80, "ground_floor": True, "sells_alcohol_tobacco": [],
              "online_ordering": False, "outdoor_sign": False, "cooking_energy": "electric"}
CAR = {"owner_type": "individual", "fuel_type": "fuel", "car_loan": False, "plate_choice": "on_site",
       "trade_in": "none", "dealer_agent": False}
NEWBORN = {"born_in_city": True, "child_birth_date": "2026-11-10", "parents_married": True, "father_hukou": "local",
           "mother_hukou": "local", "settle_with": "father", "mother_employee_insured": False,
           "apply_social_security_card": False}


def test_the_restaurant_notice_names_the_health_certificate_for_food_handlers(engine: Engine) -> None:
    line = _material(engine, "restaurant_opening", RESTAURANT, "staff_health_certificates")
    assert line.name == "从事接触直接入口食品工作的从业人员健康证明"


def test_the_registry_name_of_the_health_certificate_is_not_about_food(catalogue: Catalogue) -> None:
    assert "食品" not in catalogue.materials["staff_health_certificates"].name


def test_the_restaurant_form_gives_a_restaurant_company_name_as_the_example(engine: Engine) -> None:
    hint = _field(engine, "restaurant_opening", RESTAURANT, "proposed_enterprise_name").hint
    assert "餐饮" in hint


def test_the_business_opening_form_keeps_the_registry_s_generic_example(engine: Engine, catalogue: Catalogue) -> None:
    answers = {"entity_type": "company", "premises": "own", "hire_employees": False, "want_invoices": False,
               "open_bank_account": False, "by_agent": False}
    hint = _field(engine, "business_opening", answers, "proposed_enterprise_name").hint
    assert (hint, "餐饮" in hint) == (catalogue.fields["proposed_enterprise_name"].hint, False)


def test_a_field_label_of_one_bundle_does_not_leak_into_another(engine: Engine, catalogue: Catalogue) -> None:
    car = _field(engine, "new_vehicle", CAR, "household_address").label
    baby = _field(engine, "newborn", NEWBORN, "household_address").label
    assert (car, baby) == ("车主住所（以居民身份证记载的住址为准）", catalogue.fields["household_address"].label)


def test_engine_field_answers_with_the_bundle_s_own_label(engine: Engine) -> None:
    assert engine.field("new_vehicle", "household_address").label == "车主住所（以居民身份证记载的住址为准）"


def test_shared_data_makes_a_government_proof_exempt_for_an_anonymous_person(engine: Engine,
                                                                            catalogue: Catalogue) -> None:
    answers = {"school_stage": "junior", "child_hukou": "local", "housing": "rent", "rental_registered": True,
               "special_category": "none", "child_special_needs": False}
    line = _material(engine, "school_enrollment", answers, "rental_registration_certificate")
    expected = catalogue.materials["rental_registration_certificate"].shared_data
    assert (line.status, line.covered_by, line.covered_by_name) == ("exempt", None, expected)
