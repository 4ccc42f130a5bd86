"""The message contract every channel renders: text, buttons and a typed `custom` object."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.model import Question
from bot.engine.outcome import FieldLine, Outcome
from bot.engine.questionnaire import Progress
from bot.engine.routing import Candidate
from bot.engine.wording import copies_label, material_name, trips_label

CONTRACT_TYPES = ("question", "bundle_choice", "bundle", "materials_notice", "form", "application", "handoff")


@dataclass
class Say:
    """One bot message: plain text (from rules/), optional buttons and a typed custom object."""

    text: Optional[str] = None
    buttons: List[Dict[str, str]] = field(default_factory=list)
    custom: Optional[Dict[str, Any]] = None


def payload(intent: str, **entities: Any) -> str:
    """A button payload Rasa parses without NLU: `/intent{"entity": "value"}`."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


def button(title: str, intent: str, **entities: Any) -> Dict[str, str]:
    return {"title": title, "payload": payload(intent, **entities)}


# Buttons that answer or decide something carry the turn they were shown in; commands that mean
# the same at any time (a human, the catalogue, back, start over) do not.
ANSWERING = frozenset({"answer", "choose_bundle", "affirm", "deny", "rate", "correct_field", "change_answer"})


def unstamped(button_payload: str) -> str:
    """The payload without the turn it was shown in: the same button, whenever shown."""
    name, brace, rest = button_payload[1:].partition("{")
    try:
        entities = json.loads(brace + rest) if brace else {}
    except ValueError:
        return button_payload
    if not isinstance(entities, dict) or "turn" not in entities:
        return button_payload
    entities.pop("turn")
    return payload(name, **entities)


def stamped(button_payload: str, turn: int) -> str:
    """The payload with the turn it is shown in: pressed later, it is known to be old."""
    name, brace, rest = button_payload[1:].partition("{")
    if name not in ANSWERING:
        return button_payload
    entities = json.loads(brace + rest) if brace else {}
    return payload(name, **{**entities, "turn": turn})


def question_buttons(cat: Catalogue, question: Question) -> List[Dict[str, str]]:
    if question.kind == "yesno":
        v = cat.vocabulary
        return [
            button(v.yes_label, "answer", question_id=question.id, value=True),
            button(v.no_label, "answer", question_id=question.id, value=False),
        ]
    if question.kind == "single":
        return [button(o.label, "answer", question_id=question.id, value=o.value) for o in question.options]
    if question.kind == "multi":
        # Buttons pick one option (or none); several at once are typed ("水电都要") or sent
        # by a richer channel as one payload with a list value.
        return [button(o.label, "answer", question_id=question.id, value=[o.value]) for o in question.options] + [
            button(cat.label("button", "none_apply"), "answer", question_id=question.id, value=[])
        ]
    return []


def question_custom(cat: Catalogue, bundle_id: str, question: Question, progress: Progress) -> Dict[str, Any]:
    if question.kind == "yesno":
        options = [
            {"value": True, "label": cat.vocabulary.yes_label},
            {"value": False, "label": cat.vocabulary.no_label},
        ]
    else:
        options = [{"value": o.value, "label": o.label} for o in question.options]
    return {
        "type": "question",
        "question_id": question.id,
        "bundle_id": bundle_id,
        "kind": question.kind,
        "text": question.text,
        "why": question.why,
        "unit": question.unit,
        "options": options,
        "progress": {"answered": progress.answered, "remaining_max": progress.remaining_max},
    }


def bundle_choice_custom(candidates: Iterable[Candidate]) -> Dict[str, Any]:
    return {
        "type": "bundle_choice",
        "candidates": [{"bundle_id": c.bundle_id, "name": c.name, "score": c.score} for c in candidates],
    }


def bundle_custom(cat: Catalogue, outcome: Outcome) -> Dict[str, Any]:
    return {
        "type": "bundle",
        "bundle_id": outcome.bundle_id,
        "name": outcome.bundle_name,
        "items": [
            {
                "item_id": i.item_id,
                "name": i.name,
                "department": i.department_name,
                "handling_mode": i.handling_mode,
                "handling_mode_label": cat.label("handling_mode", i.handling_mode),
                "trips": i.trips,
                "promised_days": i.promised_days,
                "window": i.window,
                "site": i.site,
                "fee": i.fee,
                "fee_note": i.fee_note,
            }
            for i in outcome.items
        ],
        "summary": _summary(cat, outcome),
    }


def _summary(cat: Catalogue, outcome: Outcome) -> Dict[str, Any]:
    s = outcome.summary
    names = {i.item_id: i.name for i in outcome.items}
    return {
        "before": s.before,
        "after": s.after,
        "exempt": s.exempt,
        "produced": s.produced,
        "trips": s.trips,
        "trips_label": trips_label(cat, s.trips),
        "time_limit_days": s.time_limit_days,
        "handling_mode": s.handling_mode,
        "handling_mode_label": cat.label("handling_mode", s.handling_mode),
        # Where to go in person (one trip each), with the items done there: the notice lists them.
        "sites": [
            {"site_id": v.site_id, "name": v.name, "address": v.address, "hours": v.hours, "phone": v.phone,
             "items": list(v.items), "item_names": [names.get(i, i) for i in v.items]}
            for v in s.sites
        ],
    }


def materials_custom(cat: Catalogue, outcome: Outcome, depends: Optional[List[str]] = None) -> Dict[str, Any]:
    """`depends`: lines for answers of "不知道" — what else may be needed, what to confirm."""
    names = {i.item_id: i.name for i in outcome.items}
    return {
        "type": "materials_notice",
        "bundle_id": outcome.bundle_id,
        "complete": outcome.complete,
        "depends": list(depends or []),
        "materials": [
            {
                "material_id": m.material_id,
                "name": m.name,
                "kind": m.kind,
                "copies": m.copies,
                "original": m.original,
                # Several people each bring their own (父母双方): name and count say so.
                "holders": list(m.holders),
                "name_label": material_name(cat, m),
                "copies_label": copies_label(cat, m),
                "status": m.status,
                "status_label": cat.label("status", m.status),
                "covered_by": m.covered_by,
                "covered_by_name": m.covered_by_name,
                "produced_by": m.produced_by,
                "produced_by_name": names.get(m.produced_by or ""),
                "used_by": list(m.used_by),
                "used_by_names": [names.get(i, i) for i in m.used_by],
                "notes": list(m.notes),
            }
            for m in outcome.materials
        ],
        "summary": _summary(cat, outcome),
    }


def form_custom(cat: Catalogue, bundle_id: str, fields: List[FieldLine], prefill_ratio: float) -> Dict[str, Any]:
    return {
        "type": "form",
        "bundle_id": bundle_id,
        "fields": [
            {
                "field_id": f.field_id,
                "label": f.label,
                "type": f.type,
                "value": f.display,
                "source": f.source,
                "source_label": cat.label("source", f.source) if f.source else None,
                "required": f.required,
                "options": list(f.options),
                "hint": f.hint,
            }
            for f in fields
        ],
        "prefill_ratio": prefill_ratio,
    }


def application_custom(receipt: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "type": "application",
        "application_id": receipt.get("application_id"),
        "receipt_no": receipt.get("receipt_no"),
        "status": receipt.get("status"),
        "bundle_id": receipt.get("bundle_id"),
        "next_steps": receipt.get("next_steps") or [],
    }


def handoff_custom(reason: str, **where: Any) -> Dict[str, Any]:
    """`where`: state (waiting | callback | agent | bot | unavailable), ahead, wait_minutes, agent_no."""
    return {"type": "handoff", "reason": reason, **{k: v for k, v in where.items() if v is not None}}
