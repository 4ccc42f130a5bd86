"""Toneless pinyin of Chinese characters and of typed pinyin, to match words mistyped by sound.

People type with a pinyin input method and pick a wrong character of the same sound
("本是" for 本市, "公基金" for 公积金), or leave the method off and type the pinyin itself
("shi de", "buyong"). Both become sequences of syllables that can be compared with a word's.
The table `pinyin.txt` (one syllable per line, then every GB2312 character read that way)
is built from pypinyin by `python -m bot.text.pinyin --build`; pypinyin is not needed at run time.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

TABLE = Path(__file__).with_name("pinyin.txt")
Syllables = Tuple[FrozenSet[str], ...]
_LATIN = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def _table() -> Tuple[Dict[str, FrozenSet[str]], Tuple[str, ...]]:
    readings: Dict[str, set] = {}
    syllables = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        syllable, _, chars = line.partition(" ")
        syllables.append(syllable)
        for char in chars:
            readings.setdefault(char, set()).add(syllable)
    # Longest first, so that greedy segmentation of "xian" prefers one syllable to "xi an".
    inventory = tuple(sorted(syllables, key=len, reverse=True))
    return {c: frozenset(s) for c, s in readings.items()}, inventory


def segment(latin: str) -> Optional[List[str]]:
    """Typed pinyin split into syllables ("buyong" → bu yong), or None if it is not pinyin."""
    _, inventory = _table()
    known = set(inventory)
    # Dynamic programming on fewest syllables: "xian" stays one, "fangan" → fang an.
    best: List[Optional[List[str]]] = [None] * (len(latin) + 1)
    best[0] = []
    for end in range(1, len(latin) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            if head is not None and latin[start:end] in known:
                if best[end] is None or len(head) + 1 < len(best[end]):
                    best[end] = head + [latin[start:end]]
    return best[len(latin)]


def syllables(text: str) -> Tuple[Syllables, Tuple[int, ...]]:
    """Each character's (or typed syllable's) readings, and where in `text` each one starts."""
    readings, _ = _table()
    out: List[FrozenSet[str]] = []
    starts: List[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if "a" <= char <= "z":
            run = _LATIN.match(text, i).group(0)
            parts = segment(run) or []
            at = i
            for part in parts:
                out.append(frozenset((part,)))
                starts.append(at)
                at += len(part)
            i += len(run)
            continue
        out.append(readings.get(char, frozenset((char,))))
        starts.append(i)
        i += 1
    return tuple(out), tuple(starts)


def word_syllables(word: str) -> Syllables:
    return syllables(word)[0]


def find(sounds: Syllables, word: Sequence[FrozenSet[str]]) -> int:
    """Where a word's syllables occur in `sounds` (any reading of each character), or -1."""
    n = len(word)
    for i in range(len(sounds) - n + 1):
        if all(sounds[i + k] & word[k] for k in range(n)):
            return i
    return -1


def _build() -> None:  # pragma: no cover - run by hand when the table is rebuilt
    from pypinyin import Style, pinyin  # noqa: PLC0415 - a build-time tool only

    by_syllable: Dict[str, List[str]] = {}
    for code in range(0x4E00, 0x9FA6):
        char = chr(code)
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        for reading in pinyin(char, style=Style.NORMAL, heteronym=True)[0]:
            if reading.isascii() and reading.isalpha():
                by_syllable.setdefault(reading.replace("ü", "v"), []).append(char)
    lines = [f"{s} {''.join(chars)}" for s, chars in sorted(by_syllable.items())]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["--build"]:
        _build()
    else:
        print("usage: python -m bot.text.pinyin --build   (needs pypinyin==0.55.0)")
