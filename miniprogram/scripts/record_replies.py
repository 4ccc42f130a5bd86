"""Records real replies of the bot (whole stack on free localhost ports) as the mini-program's test fixture.

Run from the repository root:  .venv/bin/python miniprogram/scripts/record_replies.py

Each conversation is sent the way the mini-program sends it (button payloads, a list payload for
a multi-choice question, an ISO date from the date picker, typed text for form fields), so the
page test can replay it by tapping the same controls. The catalogue and demo-login answers are
recorded from the portal as well.
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.catalogue import load_catalogue  # noqa: E402
from bot.launcher.model import ensure_model  # noqa: E402
from bot.launcher.stack import Stack  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.conftest import Chat, stack_settings  # noqa: E402
from tests.conversation.driver import value_for  # noqa: E402

OUT = ROOT / "miniprogram" / "tests" / "fixtures" / "recorded_replies.json"
MAX_TURNS = 80


class Recorder(Chat):
    """A REST-channel conversation that keeps every turn: what was sent and what came back."""

    def __init__(self, stack: Stack, name: str, identity_token: Optional[str] = None) -> None:
        super().__init__(stack, sender=f"mp-{name}", identity_token=identity_token, channel="miniprogram")
        self.name = name
        self.turns: List[Dict[str, Any]] = []

    def send(self, message: Any) -> List[Dict[str, Any]]:
        replies = super().send(message)
        self.turns.append({"message": message, "replies": replies})
        return replies

    def buttons(self) -> List[Dict[str, str]]:
        return [b for m in self.last for b in m.get("buttons") or []]

    def record(self) -> Dict[str, Any]:
        return {"name": self.name, "identity_token": self.metadata.get("identity_token"), "turns": self.turns}


def answer_payload(question_id: str, value: Any) -> str:
    return "/answer" + json.dumps({"question_id": question_id, "value": value}, ensure_ascii=False,
                                  separators=(",", ":"))


def answer(chat: Recorder, question: Dict[str, Any]) -> None:
    """What the mini-program's question card sends for each kind."""
    kind, options = question["kind"], question["options"]
    if kind == "multi":
        chat.send(answer_payload(question["question_id"], [o["value"] for o in options[:2]]))
    elif kind in ("single", "yesno") and options:
        chat.send(chat.buttons()[0]["payload"])
    elif kind == "date":
        chat.send(answer_payload(question["question_id"], "2026-11-10"))
    elif kind == "number":
        chat.send(answer_payload(question["question_id"], "3"))
    else:
        chat.send("测试")


def drive_to_receipt(chat: Recorder, catalogue, opening: str, bundle_id: str,
                     extra: Callable[[Recorder, int], None] = lambda chat, turn: None) -> Dict[str, Any]:
    """Route, pick the bundle, answer, confirm, fill what is asked, consent; `extra` may add detours."""
    by_label = {f.label: f for f in catalogue.fields.values()}
    chat.send(opening)
    chat.send(f'/choose_bundle{{"bundle_id":"{bundle_id}"}}')
    for turn in range(MAX_TURNS):
        application = chat.custom("application")
        if application:
            return application
        extra(chat, turn)
        question = chat.custom("question")
        if question is not None:
            answer(chat, question)
            continue
        stage = next((b for b in chat.buttons() if b["title"] in ("确认无误", "同意并提交")), None)
        if stage:
            chat.send(stage["payload"])
            continue
        asked = [part.split("”")[0] for part in (chat.last[-1].get("text") or "").split("“")[1:]]
        if asked and asked[0] in by_label:
            field_buttons = [b for b in chat.buttons() if "correct_field" in b["payload"]]
            chat.send(field_buttons[0]["payload"] if field_buttons else value_for(by_label[asked[0]]))
            continue
        raise SystemExit(f"stuck in {bundle_id}: {json.dumps(chat.last, ensure_ascii=False)[:600]}")
    raise SystemExit(f"no receipt after {MAX_TURNS} turns in {bundle_id}")


def newborn_logged_in(stack: Stack, catalogue) -> Dict[str, Any]:
    """A resident with e-licences: exemptions, a prefilled form, one correction, the rating."""
    chat = Recorder(stack, "newborn_logged_in", identity_token="demo-zhang-wei")
    done = set()

    def detours(chat: Recorder, turn: int) -> None:
        if turn == 2 and "materials" not in done:
            done.add("materials")
            # Typed, as a person would ask: the notice "so far", before the questionnaire ends.
            chat.send("要准备哪些材料")
            if not chat.custom("materials_notice"):
                raise SystemExit(f"no materials notice for a typed question: {chat.last}")
        form = chat.custom("form")
        if form and "correct" not in done:
            done.add("correct")
            chat.send('/correct_field{"field_id":"applicant_phone","value":"13912345678"}')

    drive_to_receipt(chat, catalogue, "孩子刚出生，要办哪些手续", "newborn", detours)
    chat.send('/rate{"rating":5}')
    return chat.record()


def restaurant_anonymous(stack: Stack, catalogue) -> Dict[str, Any]:
    """A business bundle, anonymous: multi-choice and number questions, nothing prefilled."""
    chat = Recorder(stack, "restaurant_anonymous")
    drive_to_receipt(chat, catalogue, "想在小区门口开个面馆", "restaurant_opening")
    chat.send('/rate{"rating":4}')
    return chat.record()


def browsing_and_handoff(stack: Stack, catalogue) -> Dict[str, Any]:
    """An ambiguous need, the category browse, and a request for a human."""
    chat = Recorder(stack, "browsing_and_handoff")
    chat.send("我想办个证")
    chat.send("/ask_browse")
    chat.send('/ask_browse{"category_id":"birth_and_education"}')
    chat.send("我要找人工客服")
    if not chat.custom("handoff"):
        raise SystemExit(f"no hand-off for a typed request: {chat.last}")
    return chat.record()


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def main() -> None:
    model = ensure_model(Settings(), allow_training=True, echo=False)
    catalogue = load_catalogue(ROOT / "rules")
    with tempfile.TemporaryDirectory(prefix="mp-record-") as var_dir:
        stack = Stack(stack_settings(Path(var_dir)), model)
        stack.start()
        try:
            portal = f"http://{stack.settings.host}:{stack.settings.portal_port}"
            recording = {
                "_comment": "Real replies of the bot, recorded by miniprogram/scripts/record_replies.py; "
                            "refresh by running it again.",
                "catalogue": get_json(portal + "/api/v1/bundles"),
                "demo_logins": get_json(portal + "/api/v1/demo-logins"),
                "conversations": [record(stack, catalogue) for record in
                                  (newborn_logged_in, restaurant_anonymous, browsing_and_handoff)],
            }
        finally:
            stack.stop()
    OUT.write_text(json.dumps(recording, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    turns = sum(len(c["turns"]) for c in recording["conversations"])
    print(f"recorded {turns} turns in {len(recording['conversations'])} conversations to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
