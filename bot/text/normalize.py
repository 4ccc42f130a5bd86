"""Normalises user text: NFKC width folding, traditional→simplified, control chars, length cap."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

DEFAULT_MAX_CHARS = 500

# Cc/Cf/Cs/Co/Cn are control, format (zero-width, bidi), surrogates, private use and
# unassigned: none carries meaning for the bot and some confuse the tokenizer.
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SPACES = re.compile(r"\s+")
# Whitespace between two CJK characters is an artefact (line wraps, IME), not a word gap.
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")


@dataclass(frozen=True)
class Normalized:
    text: str
    truncated: bool
    original_length: int


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _keep(char: str) -> bool:
    if char in "\n\t ":
        return True
    return unicodedata.category(char) not in _DROP_CATEGORIES


def normalize_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> Normalized:
    """Return the cleaned text; `truncated` says whether the cap cut it."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    original_length = len(text)
    # Cut a generous prefix first so a 10 MB paste costs no more than a long message.
    text = text[: max_chars * 4]
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if _keep(ch))
    text = _converter().convert(text)
    text = _CJK_GAP.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    truncated = len(text) > max_chars or original_length > max_chars * 4
    if len(text) > max_chars:
        text = text[:max_chars].rstrip()
    return Normalized(text=text, truncated=truncated, original_length=original_length)


def normalize(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    return normalize_text(text, max_chars).text
