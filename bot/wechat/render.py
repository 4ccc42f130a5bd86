"""The message contract as WeChat customer-service messages: a channel without buttons.

Buttons become numbered options ("回复 1 是，2 否"); a number or an option's own words typed
back map to the choice the dialogue offered last (`choice_for`). A bot turn is merged into a few
text messages of at most `MAX_TEXT_BYTES`, split between paragraphs or lines, never mid-line
when it can be helped, because each person message allows WeChat only 5 messages back. The
materials notice and the form also go as a link card that opens them in full; when the turn
would not fit otherwise, their text shrinks to its first line and a pointer to the card."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

# The send API's limit for one text message (UTF-8 bytes; a Chinese character takes 3).
MAX_TEXT_BYTES = 2048
INLINE_OPTIONS_CHARS = 40  # up to about this long the options fit on one line
CARD_TYPES = ("materials_notice", "form")
TURN_BUDGET = 3  # messages per bot turn: WeChat allows 5 per person message
ENTRY_BUDGET = 2  # after the person enters the session, WeChat allows 2 within a minute

_NUMBER = re.compile(r"^(?:第|选)?\s*(\d{1,2})\s*(?:个|项|号)?$")
_NOISE = re.compile(r"[\s。.，,、！!？?；;：:“”\"'‘’（）()【】《》~～-]+")


def numbering(offered: Sequence[Dict[str, str]]) -> List[int]:
    """The number each offered choice is answered with: 1, 2, 3… in order; star ratings
    (★★★★★ … ★) by their number of stars, so that typing "5" never gives one star."""
    titles = [str(choice.get("title", "")) for choice in offered]
    stars = [len(t) for t in titles if t and set(t) == {"★"}]
    if titles and len(stars) == len(titles) and len(set(stars)) == len(stars):
        return stars
    return list(range(1, len(titles) + 1))


def _plain(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def choice_for(text: str, offered: Sequence[Dict[str, str]]) -> Optional[str]:
    """The payload of the offered choice `text` picks (by its number or its words), else None."""
    if not offered or not text:
        return None
    typed = unicodedata.normalize("NFKC", text).strip()
    number = _NUMBER.match(typed)
    if number:
        wanted = int(number.group(1))
        picked = [c for n, c in zip(numbering(offered), offered, strict=True) if n == wanted]
        return picked[0].get("payload") if picked else None
    key = _plain(typed)
    if not key:
        return None
    exact = [c for c in offered if _plain(str(c.get("title", ""))) == key]
    if len(exact) == 1:
        return exact[0].get("payload")
    if len(key) >= 2:  # "本市" picks "本市户口" when no other option contains it
        partial = [c for c in offered if key in _plain(str(c.get("title", "")))]
        if len(partial) == 1:
            return partial[0].get("payload")
    return None


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


@dataclass
class _Block:
    text: str
    kind: Optional[str]  # the contract custom type of the message it renders


class Renderer:
    def __init__(self, messages: Dict[str, str]) -> None:
        self.messages = messages

    def turn(self, contract: Sequence[Dict[str, Any]], budget: int = TURN_BUDGET,
             card_url: Optional[str] = None) -> List[Dict[str, Any]]:
        """Send-API message bodies (without `touser`) for one bot turn, at most `budget`."""
        offered = [b for m in contract for b in (m.get("buttons") or [])]
        numbers = iter(numbering(offered))
        blocks = []
        for message in contract:
            parts = [message["text"]] if message.get("text") else []
            buttons = message.get("buttons") or []
            if buttons:
                parts.append(self.options([(next(numbers), b["title"]) for b in buttons]))
            if parts:
                blocks.append(_Block("\n".join(parts), (message.get("custom") or {}).get("type")))
        kinds = [b.kind for b in blocks if b.kind in CARD_TYPES]
        cards = [self.card(kinds, card_url)] if kinds and card_url else []
        room = max(budget - len(cards), 1)
        chunks = _chunks([b.text for b in blocks])
        if len(chunks) > room and cards:
            chunks = _chunks([self._shrunk(b) if b.kind in CARD_TYPES else b.text for b in blocks])
        if len(chunks) > room:
            # Keep the start and the end (where the question and its options are).
            cut = self.messages.get("wechat_cut_short", "")
            head = chunks[:room - 1]
            if head:
                head[-1] = _fit(head[-1], cut)
            chunks = head + [chunks[-1]]
        return [text_body(chunk) for chunk in chunks] + cards

    def options(self, numbered: List[Tuple[int, str]]) -> str:
        inline = self.messages.get("wechat_option_separator", "，").join(f"{n} {title}" for n, title in numbered)
        if len(inline) <= INLINE_OPTIONS_CHARS:
            return self.messages.get("wechat_options", "{options}").format(options=inline)
        listed = "\n".join(f"{n} {title}" for n, title in numbered)
        return self.messages.get("wechat_options_list", "{options}").format(options=listed)

    def card(self, kinds: List[str], url: str) -> Dict[str, Any]:
        if set(kinds) >= set(CARD_TYPES):
            title = self.messages.get("wechat_card_title_both", "")
        elif "form" in kinds:
            title = self.messages.get("wechat_card_title_form", "")
        else:
            title = self.messages.get("wechat_card_title_notice", "")
        description = self.messages.get("wechat_card_description", "")
        return {"msgtype": "link", "link": {"title": title, "description": description, "url": url, "thumb_url": ""}}

    def text_only_notice(self) -> List[Dict[str, Any]]:
        return [text_body(self.messages.get("wechat_text_only", ""))]

    def _shrunk(self, block: _Block) -> str:
        first = block.text.split("\n", 1)[0]
        return f"{first}\n{self.messages.get('wechat_see_card', '')}"


def text_body(content: str) -> Dict[str, Any]:
    return {"msgtype": "text", "text": {"content": content}}


def _fit(text: str, suffix: str) -> str:
    """`text` with `suffix` appended, cut at a line so that both fit in one message."""
    if _size(text) + _size(suffix) + 1 <= MAX_TEXT_BYTES:
        return f"{text}\n{suffix}"
    lines = text.split("\n")
    while len(lines) > 1 and _size("\n".join(lines)) + _size(suffix) + 1 > MAX_TEXT_BYTES:
        lines.pop()
    return _hard_split("\n".join(lines), MAX_TEXT_BYTES - _size(suffix) - 1)[0] + "\n" + suffix


def _chunks(blocks: List[str], limit: int = MAX_TEXT_BYTES) -> List[str]:
    """Blocks joined by blank lines into as few messages of at most `limit` bytes as they fit
    in; a block too long for one message is split between lines (a long line by characters)."""
    pieces: List[Tuple[str, str]] = []  # (text, joiner before it)
    for block in blocks:
        if _size(block) <= limit:
            pieces.append((block, "\n\n"))
            continue
        for n, line in enumerate(block.split("\n")):
            joiner = "\n\n" if n == 0 else "\n"
            for m, part in enumerate(_hard_split(line, limit)):
                pieces.append((part, joiner if m == 0 else ""))
    chunks: List[str] = []
    for text, joiner in pieces:
        if chunks and _size(chunks[-1]) + _size(joiner) + _size(text) <= limit:
            chunks[-1] = chunks[-1] + joiner + text
        elif text:
            chunks.append(text)
    return chunks


def _hard_split(line: str, limit: int) -> List[str]:
    parts, current, size = [], [], 0
    for ch in line:
        width = _size(ch)
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += width
    return parts + ["".join(current)] if current or not parts else parts
