"""bot/catalogue/loader.py: a broken rules file names the file, the path inside it and what is
wrong, and the catalogue refuses to load. Each test copies rules/ (the registries and the newborn
bundle, to stay fast) to tmp_path and breaks exactly one thing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable

import pytest

from bot.catalogue import Catalogue, CatalogueError, Problem, load_catalogue

RULES = Path(__file__).resolve().parents[2] / "rules"
NEWBORN = "rules/bundles/newborn.yml"


def copy_rules(tmp_path: Path, bundles: Iterable[str] = ("newborn",)) -> Path:
    """rules/ with its registries and only the named bundles, as tmp_path/rules."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root, ignore=shutil.ignore_patterns("bundles"))
    (root / "bundles").mkdir()
    for bundle_id in bundles:
        shutil.copy(RULES / "bundles" / f"{bundle_id}.yml", root / "bundles")
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old`; fail loudly if the rules no longer contain it."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def the_problem(root: Path) -> Problem:
    """The single problem the refused catalogue reports."""
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(root)
    problems = refused.value.problems
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_rules(tmp_path)


@pytest.fixture
def newborn(root: Path) -> Path:
    return root / "bundles" / "newborn.yml"


def test_an_unbroken_copy_loads(root: Path) -> None:
    assert isinstance(load_catalogue(root), Catalogue)


# -- YAML -------------------------------------------------------------------------------------

def test_invalid_yaml_names_the_file_and_line(newborn: Path) -> None:
    edit(newborn, "name: 新生儿出生一件事\n", "name: [新生儿出生一件事\n")
    broken = newborn.read_text(encoding="utf-8").splitlines().index("name: [新生儿出生一件事") + 1
    problem = the_problem(newborn.parents[1])
    # libyaml notices the unclosed bracket where the next key starts
    assert (problem.file, problem.line, "invalid YAML" in problem.message) == (NEWBORN, broken + 1, True)


def test_a_key_given_twice_in_one_mapping_is_refused(newborn: Path) -> None:
    edit(newborn, "short_name: 新生儿出生\n", "short_name: 新生儿出生\nshort_name: 出生\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.file, "'short_name' appears twice" in problem.message) == (NEWBORN, True)


def test_a_file_that_is_not_a_mapping_is_refused(root: Path) -> None:
    (root / "departments.yml").write_text("- just\n- a list\n", encoding="utf-8")
    problem = the_problem(root)
    expected = ("rules/departments.yml", True)
    assert (problem.file, "must hold a mapping" in problem.message) == expected


def test_a_missing_registry_file_is_refused(root: Path) -> None:
    (root / "e_licences.yml").unlink()
    problem = the_problem(root)
    assert (problem.file, problem.message) == ("rules/e_licences.yml", "file is missing")


# -- schema -----------------------------------------------------------------------------------

def test_a_wrong_question_kind_names_the_question(newborn: Path) -> None:
    edit(newborn, "kind: yesno\n    why: 在本市医院", "kind: maybe\n    why: 在本市医院")
    problem = the_problem(newborn.parents[1])
    assert (problem.file, problem.path, "permitted" in problem.message) == (
        NEWBORN, "questions[0:born_in_city].kind", True)


def test_an_unknown_key_is_refused(newborn: Path) -> None:
    edit(newborn, "    trips: 0\n    time_limit: {legal_days: 5, promised_days: 1}\n",
         "    trips: 0\n    trip: 0\n    time_limit: {legal_days: 5, promised_days: 1}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.file, problem.path, "extra fields not permitted" in problem.message) == (
        NEWBORN, "items[3:resident_medical_insurance].trip", True)


def test_a_missing_required_key_is_refused(newborn: Path) -> None:
    edit(newborn, "lead_department: health_commission\n", "")
    problem = the_problem(newborn.parents[1])
    assert (problem.file, problem.path, "field required" in problem.message) == (
        NEWBORN, "lead_department", True)


def test_a_badly_shaped_condition_says_what_a_condition_looks_like(newborn: Path) -> None:
    edit(newborn, "    when: {answer: born_in_city, is: true}\n", "    when: {born_in_city: true}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "a condition is" in problem.message) == (
        "items[0:birth_medical_certificate].when", True)


def test_a_comparison_with_two_operators_is_refused(newborn: Path) -> None:
    edit(newborn, "    when: {answer: born_in_city, is: true}\n",
         "    when: {answer: born_in_city, is: true, is_not: false}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "exactly one operator" in problem.message) == (
        "items[0:birth_medical_certificate].when", True)


# -- references -------------------------------------------------------------------------------

def test_an_unknown_department_is_named_with_its_item(newborn: Path) -> None:
    edit(newborn, "    department: tax\n", "    department: taxes\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.file, problem.path, problem.message) == (
        NEWBORN, "items[4:medical_insurance_fee].department", "unknown department 'taxes'")


def test_an_unknown_material_is_named_with_its_item(newborn: Path) -> None:
    edit(newborn, "      - {ref: id_card, copies: 1}\n", "      - {ref: id_kard, copies: 1}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[0:birth_medical_certificate].materials[0:id_kard].ref", "unknown material 'id_kard'")


def test_an_unknown_form_field_is_named_with_its_item(newborn: Path) -> None:
    edit(newborn, "      - {ref: birth_hospital}\n", "      - {ref: birth_hospitle}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[0:birth_medical_certificate].fields[5:birth_hospitle].ref",
        "unknown form field 'birth_hospitle'")


def test_an_unknown_e_licence_in_a_condition_is_named(newborn: Path) -> None:
    edit(newborn, "{fact: e_licences, contains: marriage_certificate}",
         "{fact: e_licences, contains: marriage_licence}")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == ("questions[2:parents_married].answered_by[0].when",
                                               "unknown e-licence type 'marriage_licence'")


def test_an_unknown_e_licence_in_the_material_registry_names_the_registry_file(root: Path) -> None:
    edit(root / "materials" / "personal.yml", "e_licence: id_card,", "e_licence: id_kard,")
    problem = the_problem(root)
    assert (problem.file, problem.path, problem.message) == (
        "rules/materials/personal.yml", "id_card.e_licence", "unknown e-licence type 'id_kard'")


def test_an_unknown_category_is_refused(newborn: Path) -> None:
    edit(newborn, "category: birth_and_education\n", "category: births\n")
    problem = the_problem(newborn.parents[1])
    expected = (NEWBORN, "category", "unknown category 'births'")
    assert (problem.file, problem.path, problem.message) == expected


def test_a_category_of_the_other_audience_is_refused(newborn: Path) -> None:
    edit(newborn, "category: birth_and_education\n", "category: enterprise_start\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "is for enterprise" in problem.message) == ("category", True)


# -- conditions -------------------------------------------------------------------------------

def test_a_condition_on_an_unknown_question_is_refused(newborn: Path) -> None:
    limit = "time_limit: {legal_days: 30, promised_days: 15}\n"
    edit(newborn, limit + "    when: {answer: mother_employee_insured, is: true}",
         limit + "    when: {answer: mother_insured, is: true}")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[6:maternity_reimbursement].when", "condition on unknown question 'mother_insured'")


def test_a_question_asked_only_after_a_later_question_is_refused(newborn: Path) -> None:
    edit(newborn, "    kind: yesno\n    why: 在本市医院出生的",
         "    kind: yesno\n    when: {answer: father_hukou, is: local}\n    why: 在本市医院出生的")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "only depend on earlier questions" in problem.message) == (
        "questions[0:born_in_city].when", True)


def test_an_impossible_option_value_in_a_condition_is_refused(newborn: Path) -> None:
    edit(newborn, "when: {answer: apply_social_security_card, is: true}",
         "when: {all: [{answer: apply_social_security_card, is: true},"
         " {answer: settle_with, is: uncle}]}")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "impossible value 'uncle'" in problem.message) == (
        "items[5:social_security_card].when", True)


def test_a_yes_no_question_compared_with_a_number_range_is_refused(newborn: Path) -> None:
    edit(newborn, "    when: {answer: born_in_city, is: true}\n", "    when: {answer: born_in_city, gt: 1}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "compares numbers" in problem.message) == (
        "items[0:birth_medical_certificate].when", True)


def test_of_on_a_question_that_is_not_a_date_is_refused(newborn: Path) -> None:
    edit(newborn, "    when: {answer: born_in_city, is: true}\n",
         "    when: {answer: born_in_city, of: days_since, gt: 30}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[0:birth_medical_certificate].when", "`of` applies to date questions only")


def test_a_date_question_compared_without_of_is_refused(newborn: Path) -> None:
    edit(newborn, "when: {answer: child_birth_date, of: days_since, gt: 30}",
         "when: {answer: child_birth_date, gt: 30}")
    problem = the_problem(newborn.parents[1])
    assert (problem.path.startswith("items[2:birth_registration].materials[5:"),
            "is compared with `of`" in problem.message) == (True, True)


def test_an_unknown_fact_is_refused(newborn: Path) -> None:
    edit(newborn, "{fact: e_licences, contains: marriage_certificate}", "{fact: married, is: true}")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message.startswith("unknown fact 'married'")) == (
        "questions[2:parents_married].answered_by[0].when", True)


def test_an_extraction_with_an_impossible_value_is_refused(newborn: Path) -> None:
    edit(newborn, "(医院|生的|出生)\", value: false}", "(医院|生的|出生)\", value: abroad}")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "impossible value 'abroad'" in problem.message) == (
        "questions[0:born_in_city].extract[1].value", True)


# -- produced_by ------------------------------------------------------------------------------

def test_produced_by_an_unknown_item_is_refused(newborn: Path) -> None:
    edit(newborn, "      - {ref: household_register, produced_by: birth_registration}\n      - {ref: id_photo",
         "      - {ref: household_register, produced_by: hukou_registration}\n      - {ref: id_photo")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[5:social_security_card].materials[0:household_register].produced_by",
        "unknown item 'hukou_registration' in this bundle")


def test_items_producing_each_other_s_materials_in_a_cycle_are_refused(newborn: Path) -> None:
    edit(newborn, "      - {ref: id_card, copies: 1}\n",
         "      - {ref: id_card, copies: 1}\n"
         "      - {ref: household_register, produced_by: birth_registration}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "in a cycle: birth_medical_certificate → birth_registration → "
            "birth_medical_certificate" in problem.message) == ("items", True)


def test_an_item_producing_its_own_material_is_refused(newborn: Path) -> None:
    edit(newborn, "      - {ref: id_card, copies: 1}\n",
         "      - {ref: id_card, copies: 1, produced_by: birth_medical_certificate}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[0:birth_medical_certificate].materials[0:id_card].produced_by",
        "an item cannot produce its own material")


# -- ids --------------------------------------------------------------------------------------

def test_one_material_id_in_two_registry_files_is_refused(root: Path) -> None:
    with (root / "materials" / "work_housing.yml").open("a", encoding="utf-8") as registry:
        registry.write("  - {id: id_card, name: 身份证, kind: licence}\n")
    problem = the_problem(root)
    assert (problem.file, problem.path.endswith(":id_card]"), problem.message) == (
        "rules/materials/work_housing.yml", True,
        "id 'id_card' is already defined in rules/materials/personal.yml")


def test_a_bundle_id_that_differs_from_its_file_stem_is_refused(newborn: Path) -> None:
    newborn.rename(newborn.with_name("new_born.yml"))
    problem = the_problem(newborn.parents[1])
    assert (problem.file, problem.path, problem.message) == (
        "rules/bundles/new_born.yml", "id", "id 'newborn' must equal the file name stem 'new_born'")


def test_two_questions_with_one_id_are_refused(newborn: Path) -> None:
    edit(newborn, "  - id: mother_hukou\n", "  - id: father_hukou\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "question id 'father_hukou' is used twice" in problem.message) == (
        "questions", True)


def test_an_id_that_is_not_snake_case_is_refused(newborn: Path) -> None:
    edit(newborn, "  - id: settle_with\n", "  - id: SettleWith\n")
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(newborn.parents[1])
    assert "questions[5:SettleWith].id" in {p.path for p in refused.value.problems}


# -- all or nothing ---------------------------------------------------------------------------

def test_one_broken_bundle_among_all_of_them_refuses_the_whole_catalogue(tmp_path: Path) -> None:
    root = copy_rules(tmp_path, [p.stem for p in (RULES / "bundles").glob("*.yml")])
    edit(root / "bundles" / "newborn.yml", "category: birth_and_education\n", "category: births\n")
    with pytest.raises(CatalogueError):
        load_catalogue(root)


def test_every_problem_in_the_catalogue_is_reported_at_once(newborn: Path) -> None:
    edit(newborn, "category: birth_and_education\n", "category: births\n")
    edit(newborn, "    department: tax\n", "    department: taxes\n")
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(newborn.parents[1])
    paths = {p.path for p in refused.value.problems}
    assert paths == {"category", "items[4:medical_insurance_fee].department"}


def test_a_problem_reads_as_file_line_path_and_message(newborn: Path) -> None:
    edit(newborn, "category: birth_and_education\n", "category: births\n")
    line = newborn.read_text(encoding="utf-8").splitlines().index("category: births") + 1
    assert str(the_problem(newborn.parents[1])) == f"{NEWBORN}:{line}: category: unknown category 'births'"


def test_an_option_meaning_something_other_than_yes_or_no_is_refused(newborn: Path) -> None:
    edit(newborn, "synonyms: [父亲, 爸爸, 随父, 跟爸爸, 跟父亲, 男方]}",
         "synonyms: [父亲, 爸爸, 随父, 跟爸爸, 跟父亲, 男方], means: maybe}")
    problem = the_problem(newborn.parents[1])
    assert (problem.file, problem.path) == (NEWBORN, "questions[5:settle_with].options[0].means")


def test_a_problem_deep_in_a_bundle_points_to_its_own_line(newborn: Path) -> None:
    edit(newborn, "    department: tax\n", "    department: taxes\n")
    line = newborn.read_text(encoding="utf-8").splitlines().index("    department: taxes") + 1
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.line) == ("items[4:medical_insurance_fee].department", line)


# -- per-use wording and the ways out for a government proof ----------------------------------

def test_two_items_of_one_bundle_naming_a_material_differently_are_refused(newborn: Path) -> None:
    edit(newborn, "      - {ref: id_card, copies: 1}\n", "      - {ref: id_card, copies: 1, name: 父母身份证}\n")
    edit(newborn, "      - {ref: id_card, copies: 1, holders: 父母双方}\n",
         "      - {ref: id_card, copies: 1, holders: 父母双方, name: 居民身份证（父母）}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[2:birth_registration].materials[1:id_card].name",
        "item 'birth_medical_certificate' gives material 'id_card' the name '父母身份证'; "
        "every use in one bundle gives it the same name")


def test_a_material_both_e_licensed_and_shared_is_refused(root: Path) -> None:
    registry = root / "materials" / "personal.yml"
    edit(registry, "kind: licence, e_licence: id_card, issuer: public_security}",
         "kind: licence, e_licence: id_card, issuer: public_security, shared_data: 身份信息}")
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(root)
    problem = refused.value.problems[0]  # the bundles then also miss the file's materials
    assert (problem.file, problem.path, "at most one of e_licence, shared_data, paper_reason" in problem.message) == (
        "rules/materials/personal.yml", "materials[0:id_card]", True)


# -- sites (where people go) and holders (several people each bring their own) ----------------

DEPARTMENTS = "rules/departments.yml"


def test_a_department_at_an_unknown_site_is_refused(root: Path) -> None:
    edit(root / "departments.yml", "{id: tax, name: 税务局, site: service_centre,",
         "{id: tax, name: 税务局, site: tax_hall,")
    problem = the_problem(root)
    assert (problem.file, problem.path, problem.message.startswith("unknown site 'tax_hall'")) == (
        DEPARTMENTS, "departments[tax].site", True)


def test_a_department_without_a_site_is_refused(root: Path) -> None:
    edit(root / "departments.yml", "{id: tax, name: 税务局, site: service_centre,", "{id: tax, name: 税务局,")
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(root)
    first = refused.value.problems[0]  # then every bundle also misses the registry
    assert (first.file, "site" in first.path, "field required" in first.message) == (DEPARTMENTS, True, True)


def test_an_unknown_service_centre_is_refused(root: Path) -> None:
    edit(root / "departments.yml", "service_centre: service_centre\n", "service_centre: city_hall\n")
    problem = the_problem(root)
    assert (problem.file, problem.path, problem.message) == (DEPARTMENTS, "service_centre", "unknown site 'city_hall'")


def test_an_item_at_an_unknown_site_is_refused(newborn: Path) -> None:
    edit(newborn, "    site: birth_hospital\n", "    site: maternity_ward\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.file, problem.path, problem.message.startswith("unknown site 'maternity_ward'")) == (
        NEWBORN, "items[0:birth_medical_certificate].site", True)


def test_an_item_at_another_site_must_say_its_window_there(newborn: Path) -> None:
    edit(newborn, "    window: 孩子出生的医院 出生医学证明办理处\n", "")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "also gives its `window` there" in problem.message) == (
        "items[0:birth_medical_certificate]", True)


def test_holders_load_and_reach_the_material_use(root: Path) -> None:
    bundle = load_catalogue(root).bundle("newborn")
    uses = [u for i in bundle.items if i.id == "birth_registration" for u in i.materials if u.ref == "id_card"]
    assert [u.holders for u in uses] == ["父母双方"]


def test_holders_on_a_material_produced_inside_the_bundle_are_refused(newborn: Path) -> None:
    produced = ("门诊当场办理\n    materials:\n"
                "      - {ref: birth_medical_certificate, produced_by: birth_medical_certificate")
    edit(newborn, produced + "}\n", produced + ", holders: 父母双方}\n")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, "is not brought, so it has no holders" in problem.message) == (
        "items[1:vaccination_certificate].materials[0:birth_medical_certificate].holders", True)


def test_holders_that_repeat_the_material_s_name_are_refused(newborn: Path) -> None:
    edit(newborn, "{ref: id_card, copies: 1, holders: 父母双方}", "{ref: id_card, copies: 1, holders: 父母双方身份证}")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[2:birth_registration].materials[1:id_card].holders",
        "holders '父母双方身份证' ends with '身份证', part of the material's name '居民身份证': "
        "name only the people (it is shown as holders + name)")


def test_a_note_that_repeats_the_holders_is_refused(newborn: Path) -> None:
    edit(newborn, "{ref: id_card, copies: 1, holders: 父母双方}",
         "{ref: id_card, copies: 1, holders: 父母双方, note: 父母双方各带一份}")
    problem = the_problem(newborn.parents[1])
    assert (problem.path, problem.message) == (
        "items[2:birth_registration].materials[1:id_card].note",
        "the note repeats holders '父母双方': say it once, in holders")


def test_the_trips_label_for_several_places_is_required(root: Path) -> None:
    edit(root / "vocabulary.yml", ', many: "需跑{n}个地方，每处最多一趟"}', "}")
    problem = the_problem(root)
    assert (problem.file, problem.path) == ("rules/vocabulary.yml", "labels.trips.many")
