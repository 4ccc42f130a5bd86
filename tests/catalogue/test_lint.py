"""`python -m bot rules check | rules graph | guide`, run as a reviewer would: as subprocesses.

The linter runs on the real rules (clean), on a copy holding the fixture bundles of
fixtures/lint/ (one deliberate finding each) and on a copy holding fixtures/schema_error.yml."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional

import pytest

from bot.catalogue import Catalogue
from bot.engine import Engine, anonymous

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
FIXTURES = Path(__file__).parent / "fixtures"
# file:line: path: message, as editors and CI annotate them
LINE = re.compile(r"^(?P<file>rules/[\w/]+\.yml):(?P<line>\d+): (?P<path>\S+): (?P<message>.+)$")


class Run(NamedTuple):
    code: int
    out: str
    err: str

    def errors(self) -> List[str]:
        return [line for line in self.out.splitlines() if ": warning: " not in line]

    def found(self) -> List[str]:
        """The errors as `file:path: message`, without the line number (tested on its own)."""
        return [f"{m['file']}:{m['path']}: {m['message']}" if (m := LINE.match(line)) else line
                for line in self.errors()]


def bot(*args: str, stdin: Optional[str] = None) -> Run:
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


def rules_with(tmp: Path, bundle_files: List[Path]) -> Path:
    """A copy of rules/ whose bundles are exactly `bundle_files`."""
    root = tmp / "rules"
    shutil.copytree(RULES, root, ignore=shutil.ignore_patterns("bundles"))
    (root / "bundles").mkdir()
    for path in bundle_files:
        shutil.copy(path, root / "bundles")
    return root


@pytest.fixture(scope="module")
def real() -> Run:
    return bot("rules", "--rules", str(RULES), "check")


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = rules_with(tmp_path_factory.mktemp("lint"), sorted((FIXTURES / "lint").glob("*.yml")))
    return bot("rules", "--rules", str(root), "check")


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = rules_with(tmp_path_factory.mktemp("schema"), [FIXTURES / "schema_error.yml"])
    return bot("rules", "--rules", str(root), "check")


# -- the real rules -----------------------------------------------------------------------------

def test_the_real_rules_pass_the_linter(real: Run) -> None:
    assert (real.code, real.errors()) == (0, [])


def test_the_linter_says_the_rules_are_ok(real: Run) -> None:
    assert "rules ok" in real.err


# -- findings, one fixture bundle each ------------------------------------------------------------

def test_findings_make_the_linter_exit_with_1(findings: Run) -> None:
    assert findings.code == 1


def test_every_finding_is_a_file_path_message_line(findings: Run) -> None:
    assert [line for line in findings.errors() if not LINE.match(line)] == []


def test_a_question_that_changes_nothing_is_reported_as_never_asked(findings: Run) -> None:
    assert ("rules/bundles/never_asked.yml:questions[owns_pet]: never asked: "
            "on no answer path can it change the outcome") in findings.found()


def test_a_question_that_matters_in_the_same_bundle_is_not_reported(findings: Run) -> None:
    assert [line for line in findings.found() if "questions[married]" in line] == []


def test_a_question_whose_answers_all_end_alike_is_reported_as_asked_for_nothing(
    findings: Run,
) -> None:
    assert ("rules/bundles/useless_question.yml:questions[wants_receipt]: asked although no answer "
            "to it can change the outcome (after no answers)") in findings.found()


def test_options_that_always_lead_to_the_same_outcome_are_reported(findings: Run) -> None:
    assert ("rules/bundles/same_options.yml:questions[hukou].options: options 'other' and "
            "'province' lead to the same outcome on every path; merge them or make them differ"
            ) in findings.found()


def test_an_option_that_leads_somewhere_different_is_not_reported(findings: Run) -> None:
    assert [line for line in findings.found() if "'local'" in line] == []


def test_an_unreachable_item_is_reported(findings: Run) -> None:
    assert ("rules/bundles/unreachable.yml:items[never_applies]: unreachable: "
            "applies on no answer path") in findings.found()


def test_an_unreachable_material_is_reported(findings: Run) -> None:
    assert ("rules/bundles/unreachable.yml:items[registration].materials[id_photo]: unreachable: "
            "required on no answer path") in findings.found()


def test_an_unreachable_form_field_is_reported(findings: Run) -> None:
    assert ("rules/bundles/unreachable.yml:items[registration].fields[spouse_name]: unreachable: "
            "on the form on no answer path") in findings.found()


def test_an_answer_path_with_no_item_names_the_answers_that_lead_there(findings: Run) -> None:
    assert ("rules/bundles/no_item_path.yml:items: no item applies when the answers are "
            "needs_permit = 否: this person would be told there is nothing to do. Give every answer "
            "path at least one item (an item without `when`, or widen a `when`)") in findings.found()


def test_one_code_for_two_items_is_reported_at_both_naming_the_other(findings: Run) -> None:
    lines = [line for line in findings.found() if "TEST-100" in line]
    assert lines == [
        "rules/bundles/duplicate_codes.yml:items[0:first_filing].code: item code 'TEST-100' names "
        "different items: '甲备案' here, '乙备案' in duplicate_codes.second_filing. One code names one "
        "item everywhere: give one of them its own code, or the same name",
        "rules/bundles/duplicate_codes.yml:items[1:second_filing].code: item code 'TEST-100' names "
        "different items: '乙备案' here, '甲备案' in duplicate_codes.first_filing. One code names one "
        "item everywhere: give one of them its own code, or the same name",
    ]


def test_one_item_under_two_codes_is_reported_at_both(findings: Run) -> None:
    paths = [line.split(": ")[0] for line in findings.found() if "item '丙备案' has different codes" in line]
    assert paths == ["rules/bundles/duplicate_codes.yml:items[2:third_filing].code",
                     "rules/bundles/duplicate_codes.yml:items[3:third_filing_again].code"]


def test_a_finding_names_the_line_it_is_about(findings: Run) -> None:
    fixture = (FIXTURES / "lint" / "duplicate_codes.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(fixture, 1) if text.strip() == "code: TEST-100")
    assert any(line_.startswith(f"rules/bundles/duplicate_codes.yml:{line}: items[0:first_filing].code:")
               for line_ in findings.errors())


def test_nothing_but_the_deliberate_findings_is_reported(findings: Run) -> None:
    reported = sorted(LINE.match(line)["file"] + ":" + LINE.match(line)["path"]
                      for line in findings.errors())
    assert reported == [
        "rules/bundles/duplicate_codes.yml:items[0:first_filing].code",
        "rules/bundles/duplicate_codes.yml:items[1:second_filing].code",
        "rules/bundles/duplicate_codes.yml:items[2:third_filing].code",
        "rules/bundles/duplicate_codes.yml:items[3:third_filing_again].code",
        "rules/bundles/never_asked.yml:questions[owns_pet]",
        "rules/bundles/no_item_path.yml:items",
        "rules/bundles/same_options.yml:questions[hukou].options",
        "rules/bundles/unreachable.yml:items[never_applies]",
        "rules/bundles/unreachable.yml:items[registration].fields[spouse_name]",
        "rules/bundles/unreachable.yml:items[registration].materials[id_photo]",
        "rules/bundles/useless_question.yml:questions[wants_receipt]",
    ]


def test_a_government_proof_demanded_on_paper_without_a_reason_is_reported(tmp_path: Path) -> None:
    """The rental registration proof, stripped of the shared data the housing bureau offers."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    registry = root / "materials" / "family_social.yml"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, text in enumerate(lines) if "id: rental_registration_certificate" in text)
    lines[at] = re.sub(r", shared_data: [^,}]+", "", lines[at])
    registry.write_text("".join(lines), encoding="utf-8")
    run = bot("rules", "--rules", str(root), "check")
    assert (run.code, run.found()) == (1, [
        "rules/materials/family_social.yml:rental_registration_certificate: 住房租赁合同登记备案证明 is "
        "issued by 住房和城乡建设局 but is demanded on paper: link it to an `e_licence`, say which "
        "`shared_data` the department reads instead, or give the `paper_reason` it must still be brought"])


def test_registry_entries_no_bundle_uses_are_warnings_not_errors(findings: Run) -> None:
    assert "rules/materials:bank_card: warning: registered but used by no bundle" in findings.out


def test_a_site_where_nothing_is_handled_is_a_warning(findings: Run) -> None:
    """The fixture bundles send nobody to the birth hospital; every department's site is used."""
    assert re.search(r"^rules/departments\.yml:\d+: sites\[birth_hospital\]: warning: "
                     r"no department or item is handled there$", findings.out, re.M)
    assert "sites[service_centre]" not in findings.out and "sites[vehicle_office]" not in findings.out


# -- schema errors ------------------------------------------------------------------------------

def test_a_schema_error_makes_the_linter_exit_with_1(schema: Run) -> None:
    assert schema.code == 1


def test_a_schema_error_is_reported_with_its_file_line_and_path(schema: Run) -> None:
    line = (FIXTURES / "schema_error.yml").read_text(encoding="utf-8").splitlines().index(
        "  - {id: married, text: 已经结婚了吗？, kind: maybe, why: 已婚的要带结婚证。}") + 1
    assert schema.errors() == [
        f"rules/bundles/schema_error.yml:{line}: questions[0:married].kind: unexpected value; permitted: "
        "'single', 'multi', 'yesno', 'date', 'number', 'text'"
    ]


# -- rules graph --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mermaid() -> Run:
    return bot("rules", "graph", "newborn")


@pytest.fixture(scope="module")
def dot() -> Run:
    return bot("rules", "graph", "newborn", "--format", "dot")


def _edge_ends(lines: List[str], arrow: str) -> set:
    ends = set()
    for line in lines:
        if arrow in line:
            ends.update(re.findall(r"\b([a-z][a-z0-9_]+)\b", line.replace('"', " ").split("[")[0]))
    return ends


def test_the_mermaid_graph_is_a_flowchart(mermaid: Run) -> None:
    assert (mermaid.code, mermaid.out.splitlines()[0]) == (0, "flowchart TD")


def test_the_mermaid_graph_declares_every_question(mermaid: Run, catalogue: Catalogue) -> None:
    declared = {line.split("{")[0].strip() for line in mermaid.out.splitlines() if '{"' in line}
    assert declared == {q.id for q in catalogue.bundle("newborn").questions}


def test_the_mermaid_graph_links_every_question(mermaid: Run, catalogue: Catalogue) -> None:
    linked = _edge_ends(mermaid.out.splitlines(), "-->")
    assert {q.id for q in catalogue.bundle("newborn").questions} <= linked


def test_the_mermaid_graph_starts_at_the_first_question(mermaid: Run) -> None:
    assert "    start --> born_in_city" in mermaid.out.splitlines()


def test_the_dot_graph_is_a_digraph_of_the_bundle(dot: Run) -> None:
    assert (dot.code, dot.out.splitlines()[0]) == (0, 'digraph "newborn" {')


def test_the_dot_graph_links_every_question(dot: Run, catalogue: Catalogue) -> None:
    linked = _edge_ends(dot.out.splitlines(), "->")
    assert {q.id for q in catalogue.bundle("newborn").questions} <= linked


def test_the_graph_of_an_unknown_bundle_exits_with_2() -> None:
    assert bot("rules", "graph", "no_such_bundle").code == 2


# -- guide --------------------------------------------------------------------------------------

REPLIES = {
    "born_in_city": "是", "child_birth_date": "昨天", "parents_married": "已婚",
    "father_hukou": "本市户口", "mother_hukou": "外地", "settle_with": "随父亲",
    "mother_employee_insured": "单位交的", "apply_social_security_card": "要",
}


class Guided(NamedTuple):
    run: Run
    answers: Dict


@pytest.fixture(scope="module")
def guided(engine: Engine) -> Guided:
    """The guide fed REPLIES in the order it will ask; the answers it should arrive at."""
    today = date.today()  # the guide runs on the real date
    facts = anonymous(today)
    answers: Dict = {}
    lines: List[str] = []
    while (step := engine.next_question("newborn", answers, facts)).question:
        qid = step.question.id
        lines.append(REPLIES[qid])
        value = engine.interpret("newborn", qid, REPLIES[qid], today).value
        answers = engine.set_answer("newborn", answers, qid, value, facts)
    return Guided(bot("guide", "newborn", stdin="\n".join(lines) + "\n"), answers)


def test_the_guide_walks_the_questionnaire_to_the_end(guided: Guided) -> None:
    assert (guided.run.code, "?? " in guided.run.out) == (0, False)


def test_the_guide_asks_each_question_once(guided: Guided, engine: Engine) -> None:
    texts = [engine.question("newborn", qid).text for qid in guided.answers]
    assert [guided.run.out.count(text) for text in texts] == [1] * len(texts)


def test_the_guide_prints_every_material_of_the_notice(guided: Guided, engine: Engine) -> None:
    outcome = engine.outcome("newborn", guided.answers, anonymous(date.today()))
    assert [m.name for m in outcome.materials if m.name not in guided.run.out] == []


def test_the_guide_prints_every_field_of_the_form(guided: Guided, engine: Engine) -> None:
    outcome = engine.outcome("newborn", guided.answers, anonymous(date.today()))
    assert [f.label for f in outcome.fields if f"- {f.label}: " not in guided.run.out] == []


def test_the_guide_prints_the_summary_line(guided: Guided) -> None:
    assert re.search(r"^materials: \d+ → \d+ \(exempt \d+, produced \d+\)", guided.run.out, re.M)


def test_the_guide_stops_with_exit_1_when_input_ends_early() -> None:
    assert bot("guide", "newborn", stdin="是\n").code == 1


def test_the_guide_of_an_unknown_bundle_exits_with_2() -> None:
    assert bot("guide", "no_such_bundle", stdin="").code == 2


def test_a_bundle_with_few_routing_examples_gets_a_warning_not_an_error(findings: Run) -> None:
    warned = [line for line in findings.out.splitlines()
              if "never_asked.yml" in line and "routing.examples: warning: only 3 examples" in line]
    assert (len(warned), findings.found().count(warned[0]) if warned else None) == (1, 0)
