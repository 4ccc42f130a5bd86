"""Drives a whole conversation to the receipt the way a patient citizen would."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from bot.catalogue import Catalogue
from bot.catalogue.model import FormField
from bot.privacy import credit_code_check_char, id_number_check_char

_ASK = re.compile(r"“(?P<label>[^”]+)”")


def valid_id_number(prefix: str = "37010219850312001") -> str:
    return prefix + id_number_check_char(prefix)


def valid_credit_code(prefix: str = "91370102MA3C12345") -> str:
    return prefix + credit_code_check_char(prefix)


def value_for(field: FormField) -> str:
    """A plausible value a person would type for this field."""
    by_type = {
        "id_number": valid_id_number(), "phone": "13812345678", "date": "2024年3月5日",
        "number": "3", "address": "历下区泉城路1号3单元201", "credit_code": valid_credit_code(),
        "bank_account": "6222020200112233445", "email": "zhang@example.com", "plate_number": "鲁A12345",
        "yesno": "是",
    }
    if field.type == "enum":
        return field.options[0]
    if field.type in by_type:
        return by_type[field.type]
    return "张测试" if "姓名" in field.label or "名称" in field.label else "测试内容"


def answer_for(question: Dict[str, Any]) -> str:
    kind = question["kind"]
    if kind in ("single", "yesno", "multi") and question["options"]:
        return ""  # pressed as a button
    if kind == "date":
        return "2026年11月10日"
    if kind == "number":
        return "3"
    return "测试"


def drive_to_receipt(chat: Any, catalogue: Catalogue, opening: str, bundle_id: str,
                     max_turns: int = 80, option: int = 0, stop_at: Optional[str] = None) -> Dict[str, Any]:
    """Route with `opening`, pick `bundle_id`, answer everything, confirm, consent. Returns
    the application custom object; fails the test with the transcript if it gets stuck.
    `stop_at`: return ({}) as soon as a button with this title is offered, without pressing it."""
    by_label = {f.label: f for f in catalogue.fields.values()}
    chat.send(opening)
    chat.send(f'/choose_bundle{{"bundle_id":"{bundle_id}"}}')
    for _ in range(max_turns):
        application = chat.custom("application")
        if application:
            return application
        question = chat.custom("question")
        buttons = [b for m in chat.last for b in m.get("buttons") or []]
        if stop_at and any(b["title"] == stop_at for b in buttons):
            return {}
        if question is not None:
            if question["options"]:
                wanted = [b for b in buttons if '"question_id"' in b["payload"]]
                chat.send(wanted[min(option, len(wanted) - 1)]["payload"])
            else:
                chat.send(answer_for(question))
            continue
        stage_button = _first(buttons, ("确认无误", "同意并提交"))
        if stage_button:
            chat.send(stage_button["payload"])
            continue
        label = _asked_label(chat.last[-1].get("text", "") if chat.last else "")
        if label and label in by_label:
            field = by_label[label]
            field_buttons = [b for b in buttons if "correct_field" in b["payload"]]
            chat.send(field_buttons[0]["payload"] if field_buttons else value_for(field))
            continue
        raise AssertionError(f"stuck in {bundle_id}: {chat.last}")
    raise AssertionError(f"no receipt after {max_turns} turns in {bundle_id}")


def _first(buttons: List[Dict[str, str]], titles) -> Optional[Dict[str, str]]:
    return next((b for b in buttons if b["title"] in titles), None)


def _asked_label(text: str) -> Optional[str]:
    labels = _ASK.findall(text)
    return labels[0] if labels else None
