"""Which next steps follow a submitted application, worded from next_steps.yml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List

import yaml

from bot.intake.contract import ApplicationBody, NextStep

NEXT_STEPS = Path(__file__).with_name("next_steps.yml")


def _materials_with(status: str) -> Callable[[ApplicationBody], List[str]]:
    return lambda body: [m.material_id for m in body.materials if m.status == status]


# Each `when` names the materials a step is about; the step applies when that list is non-empty
# (or always).
_CONDITIONS: Dict[str, Callable[[ApplicationBody], List[str]]] = {
    "any_deferrable": _materials_with("deferrable"),
    "any_commitment": _materials_with("commitment"),
    "any_required": _materials_with("required"),
}


def next_steps_for(body: ApplicationBody, receipt_no: str) -> List[NextStep]:
    steps = []
    for step in _steps():
        materials: List[str] = []
        if step["when"] != "always":
            materials = _CONDITIONS[step["when"]](body)
            if not materials:
                continue
        days = step.get("within_working_days")
        text = step["text"].format(receipt_no=receipt_no, days=days)
        steps.append(
            NextStep(id=step["id"], text=text, within_working_days=days, materials=materials)
        )
    return steps


@lru_cache(maxsize=1)
def _steps() -> List[Dict[str, Any]]:
    steps = yaml.safe_load(NEXT_STEPS.read_text(encoding="utf-8"))["steps"]
    unknown = {s["when"] for s in steps} - set(_CONDITIONS) - {"always"}
    if unknown:
        raise ValueError(f"{NEXT_STEPS.name}: unknown `when` {sorted(unknown)}")
    return steps
