"""Rasa's own checks: test stories (tests/test_stories.yml) pass and `rasa data validate` is clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.launcher.model import quiet_env
from bot.settings import ROOT

pytestmark = pytest.mark.servers


def _rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **quiet_env()},
        timeout=600,
    )


def test_every_test_story_is_predicted_exactly(model: Path, tmp_path: Path) -> None:
    result = _rasa(
        "test",
        "core",
        "--model",
        str(model),
        "--stories",
        "tests/test_stories.yml",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        "--no-plot",
    )
    report = (
        json.loads((tmp_path / "story_report.json").read_text()) if (tmp_path / "story_report.json").exists() else {}
    )
    assert (result.returncode, report.get("conversation_accuracy", {}).get("accuracy")) == (0, 1.0), result.stdout[
        -2000:
    ]


def test_rasa_data_validate_reports_no_warnings() -> None:
    result = _rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
