"""GET /health."""

from __future__ import annotations

from tests.intake.server import IntakeServer


def test_health_answers_ok_without_a_token(intake: IntakeServer) -> None:
    status, answer = intake.request("GET", "/health", token=None)
    assert (status, answer["status"]) == (200, "ok")


def test_health_counts_the_bundles_of_the_rules_dir(intake: IntakeServer) -> None:
    _, answer = intake.request("GET", "/health", token=None)
    assert answer["bundles"] == 3
