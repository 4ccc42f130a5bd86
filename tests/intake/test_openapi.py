"""docs/intake-openapi.yaml and bot/intake/contract.py describe the same wire shapes."""

from __future__ import annotations

from typing import Any, Dict, Type

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from bot.intake import contract
from bot.settings import ROOT
from tests.intake.payloads import newborn_application
from tests.intake.server import IntakeServer

SPEC = yaml.safe_load((ROOT / "docs" / "intake-openapi.yaml").read_text(encoding="utf-8"))
SCHEMAS: Dict[str, Any] = SPEC["components"]["schemas"]

PAIRS = {
    "ApplicationRequest": contract.ApplicationBody,
    "Item": contract.Item,
    "Applicant": contract.Applicant,
    "Material": contract.Material,
    "Consent": contract.Consent,
    "Proxy": contract.Proxy,
    "NextStep": contract.NextStep,
    "ApplicationCreated": contract.ApplicationCreated,
    "HistoryEntry": contract.HistoryEntry,
    "ApplicationView": contract.ApplicationView,
    "StatusChange": contract.StatusChange,
    "FieldError": contract.FieldError,
}


@pytest.mark.parametrize(("schema", "model"), PAIRS.items(), ids=list(PAIRS))
def test_the_spec_and_the_model_have_the_same_properties(
    schema: str, model: Type[BaseModel]
) -> None:
    assert set(SCHEMAS[schema]["properties"]) == set(model.__fields__)


@pytest.mark.parametrize(("schema", "model"), PAIRS.items(), ids=list(PAIRS))
def test_the_spec_requires_what_the_model_requires(schema: str, model: Type[BaseModel]) -> None:
    required = {name for name, field in model.__fields__.items() if field.required}
    assert required <= set(SCHEMAS[schema].get("required", []))


def test_the_spec_lists_the_same_application_statuses() -> None:
    assert SCHEMAS["ApplicationStatus"]["enum"] == list(contract.ApplicationStatus.__args__)


def test_the_spec_documents_the_endpoints_the_service_serves() -> None:
    assert set(SPEC["paths"]) == {
        "/health", "/applications", "/applications/{application_id}",
        "/applications/{application_id}/status",
    }


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a null-allowing type, refs point
    into this document."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        schema["type"] = [node["type"], "null"]
    if "$ref" in schema:
        schema["$ref"] = schema["$ref"].replace("#/components/schemas/", "#/definitions/")
    return schema


def _validate(instance: Any, schema_name: str) -> None:
    schema = {"$ref": f"#/definitions/{schema_name}", "definitions": _json_schema(SCHEMAS)}
    jsonschema.validate(instance, schema)


def test_a_created_answer_matches_the_spec(intake: IntakeServer) -> None:
    _, answer = intake.request("POST", "/applications", newborn_application())
    _validate(answer, "ApplicationCreated")  # raises ValidationError on a mismatch


def test_an_application_view_matches_the_spec(intake: IntakeServer) -> None:
    _, created = intake.request("POST", "/applications", newborn_application())
    _, view = intake.request("GET", f"/applications/{created['application_id']}")
    _validate(view, "ApplicationView")


def test_a_422_answer_matches_the_spec(intake: IntakeServer) -> None:
    _, answer = intake.request("POST", "/applications", newborn_application(bundle_id="x"))
    _validate(answer, "Error")


def test_the_example_application_matches_the_request_schema() -> None:
    _validate(newborn_application(), "ApplicationRequest")
