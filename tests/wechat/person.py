"""A WeChat user talking to the bot through the stand-in, and a patient one who answers every
question (by number, by the option's words, or both in turn) until the receipt."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

from bot.catalogue import Catalogue
from bot.wechat.render import MAX_TEXT_BYTES
from tests.conversation.driver import answer_for, value_for
from tests.wechat.standin import StandIn

QUIET_S = 0.35  # a turn's replies leave together; this long without another means the turn is over
_OPTION = re.compile(r"(\d+) (.+?)(?=，\d+ |$)")
_ASK = re.compile(r"“(?P<label>[^”]+)”")
PREFERRED = ("对，就办这个", "确认无误", "同意并提交")


class Person:
    def __init__(self, standin: StandIn, openid: Optional[str] = None) -> None:
        self.standin = standin
        self.openid = openid or f"o{uuid.uuid4().hex[:22]}"
        self.turns: List[List[Dict[str, Any]]] = []
        self.acks_ms: List[float] = []

    def push(self, kind: str = "text", content: Optional[str] = None, repeat: int = 1) -> Dict[str, Any]:
        result = self.standin.push(self.openid, kind, content, repeat)
        self.acks_ms += [a["ms"] for a in result["attempts"]]
        return result

    def say(self, text: Optional[str], kind: str = "text", repeat: int = 1) -> List[Dict[str, Any]]:
        cursor = self.standin.sent(self.openid)["last"]
        result = self.push(kind, text, repeat)
        answers = [(a["status"], a["body"]) for a in result["attempts"]]
        assert answers == [(200, "success")] * repeat, answers
        replies = self.replies(cursor)
        self.turns.append(replies)
        return replies

    def enter(self, repeat: int = 1) -> List[Dict[str, Any]]:
        return self.say(None, kind="enter", repeat=repeat)

    def replies(self, cursor: int, timeout_s: float = 30.0) -> List[Dict[str, Any]]:
        messages = self.standin.wait_for(self.openid, 1, cursor, timeout_s)
        while True:
            time.sleep(QUIET_S)
            more = self.standin.sent(self.openid, cursor)["messages"]
            if len(more) == len(messages):
                return messages
            messages = more


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["text"]["content"] for m in messages if m["msgtype"] == "text"]


def options_of(text: str) -> List[Tuple[int, str]]:
    """The numbered options at the end of a message: "回复 1 是，2 否" or one per line."""
    lines = text.splitlines()
    if lines and lines[-1].startswith("回复 "):
        return [(int(n), title) for n, title in _OPTION.findall(lines[-1][3:])]
    if "请回复序号：" in lines:
        return [(int(line.split(" ", 1)[0]), line.split(" ", 1)[1]) for line in lines[lines.index("请回复序号：") + 1:]]
    return []


def drive(person: Person, catalogue: Catalogue, opening: str, by: str = "mixed", max_turns: int = 80,
          until: Callable[[str], bool] = lambda text: "受理编号是" in text) -> str:
    """Answer until a text satisfies `until`; returns that text. `by`: number | words | mixed."""
    questions = {q.text: q for b in catalogue.bundles.values() for q in b.questions}
    fields = {f.label: f for f in catalogue.fields.values()}
    replies = person.say(opening)
    for turn in range(max_turns):
        check_turn(replies)
        done = [t for t in texts(replies) if until(t)]
        if done:
            return done[0]
        last = texts(replies)[-1].split("\n\n")[-1]
        options = options_of(last)
        if options:
            number, title = next((o for o in options if o[1] in PREFERRED), options[0])
            words = by == "words" or (by == "mixed" and turn % 2 == 1)
            replies = person.say(title if words else str(number))
            continue
        label = _ASK.findall(last)
        if label and label[0] in fields:
            replies = person.say(value_for(fields[label[0]]))
            continue
        question = questions.get(last.splitlines()[0])
        if question is not None:
            replies = person.say(answer_for({"kind": question.kind, "options": []}))
            continue
        raise AssertionError(f"stuck after {turn} turns on {last!r}")
    raise AssertionError(f"not done after {max_turns} turns")


def check_turn(messages: List[Dict[str, Any]]) -> None:
    """WeChat's limits: a turn fits the quota (≤ 3 messages), each text within the size limit."""
    sizes = [len(t.encode("utf-8")) for t in texts(messages)]
    assert (len(messages) <= 3, all(s <= MAX_TEXT_BYTES for s in sizes)) == (True, True), messages
