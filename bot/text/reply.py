"""A free reply as clauses: dialect folded, particles dropped, negations and hedges located."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot.text.normalize import normalize
from bot.text.numbers import chinese_to_number

# Clause breaks: punctuation, spaces between words, and "but" words that start a new thought.
_BREAK = re.compile(r"[\s,.!?;:~…，。！？；：～]+")
_CONTRAST = re.compile(r"(?<=.)(?=但是|不过|可是|只是)")
_CONTRAST_START = re.compile(r"^(但是|不过|可是|只是|但)")
_DROP = re.compile(r"[\"'“”‘’()（）\[\]【】<>《》·*#]+")
_MASK = "\x00"  # stands in for a matched word, so its characters are not read twice
# A numeral of two characters or more ("六十", "八十五"), or one before a measure word ("三级").
_NUMERAL = re.compile(r"[一二两三四五六七八九十百千]{2,}|[一二两三四五六七八九十](?=[岁年级类套辆台个周天号层楼平])")

# A reply this short is a bare yes/no ("在的", "还没交", "先不弄"); a longer one must say more.
BARE_REPLY = 4
# How far before a word a negation still governs it ("不挂招牌", "没有交过社保").
NEGATION_REACH = 4


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Language:
    """The vocabulary's words for reading replies, prepared once."""

    yes_words: Tuple[str, ...]
    no_words: Tuple[str, ...]
    unsure_words: Tuple[str, ...]
    all_words: Tuple[str, ...]
    none_words: Tuple[str, ...]
    negations: Tuple[str, ...]
    not_negating: Tuple[str, ...]
    done_endings: Tuple[str, ...]
    cancelling: Tuple[str, ...]
    excepts: Tuple[str, ...]
    both: Tuple[str, ...]
    corrections: Tuple[str, ...]
    particles: Tuple[str, ...]
    fillers: Tuple[str, ...]
    asides: Tuple[str, ...]
    dialect_words: Tuple[Tuple[str, str], ...]  # replaced anywhere, longest first
    dialect_openers: Dict[str, str]  # one character replaced only where a clause starts
    subjects: Tuple[Tuple[str, Tuple[str, ...]], ...]

    @classmethod
    def of(cls, vocab) -> Language:
        replies = vocab.replies
        dialect_words = tuple(sorted(replies.dialect.items(), key=lambda kv: -len(kv[0])))
        bare = cls(*([()] * 15), dialect_words, {}, ())  # only to fold the word lists below

        def longest(words: Iterable[str]) -> Tuple[str, ...]:
            return tuple(sorted({bare.fold(w.lower()) for w in words}, key=len, reverse=True))

        return cls(
            yes_words=longest(vocab.yes_words),
            no_words=longest(vocab.no_words),
            unsure_words=longest(vocab.unsure_words),
            all_words=longest(vocab.all_words),
            none_words=longest(vocab.none_words),
            negations=longest(replies.negations),
            not_negating=longest(replies.not_negating),
            done_endings=longest(replies.done_endings),
            cancelling=longest(replies.cancelling),
            excepts=longest(replies.excepts),
            both=longest(replies.both),
            corrections=longest(replies.corrections),
            particles=longest(replies.particles),
            fillers=longest(replies.fillers),
            asides=longest(replies.asides),
            dialect_words=dialect_words,
            dialect_openers=dict(replies.dialect_openers),
            subjects=tuple((name, longest([name, *aliases])) for name, aliases in replies.subjects.items()),
        )

    # -- shaping the text ---------------------------------------------------------------------
    def fold(self, text: str) -> str:
        """Dialect words replaced by common ones and numbers written in figures ("六十多" and
        "60多" alike); used on replies and on the words they are compared with."""
        for word, common in self.dialect_words:
            if word in text:
                text = text.replace(word, common)
        return _NUMERAL.sub(_figures, text)

    def clauses(self, text: str) -> List[str]:
        """The reply cut into clauses, each folded and trimmed of fillers and particles."""
        text = _DROP.sub("", normalize(text).lower())
        out = []
        for part in _BREAK.split(text):
            for clause in _CONTRAST.split(part):
                clause = self._trim(self.fold(clause))
                if clause:
                    out.append(clause)
        if len(out) > 1 and out[0] in self.asides:
            out = out[1:]  # "对了，我还想开个饭馆": "对了" is "by the way", not "yes"
        return out

    def _trim(self, clause: str) -> str:
        for word, common in self.dialect_openers.items():
            if clause.startswith(word) and len(clause) > len(word):
                clause = common + clause[len(word):]
        changed = True
        while changed and clause:
            changed = False
            for filler in self.fillers:
                if clause.startswith(filler) and len(clause) > len(filler):
                    clause, changed = clause[len(filler):], True
            for particle in self.particles:
                if clause.endswith(particle) and len(clause) > len(particle):
                    clause, changed = clause[: -len(particle)], True
        return clause

    # -- reading a clause ---------------------------------------------------------------------
    @staticmethod
    def blanked(clause: str, spans: Iterable[Span]) -> str:
        """The clause with matched words blanked out."""
        chars = list(clause)
        for span in spans:
            chars[span.start:span.end] = _MASK * (span.end - span.start)
        return "".join(chars)

    def masked(self, clause: str, spans: Iterable[Span]) -> str:
        """The clause with matched words and words that only look negative blanked out."""
        free = self.blanked(clause, spans)
        for word in self.not_negating:
            free = free.replace(word, _MASK * len(word))
        return free

    def negation_marks(self, free: str) -> List[int]:
        """Where negations start; a longer one ("哪还能") is one mark, not several."""
        marks: List[int] = []
        i = 0
        while i < len(free):
            word = next((w for w in self.negations if free.startswith(w, i)), None)
            if word:
                marks.append(i)
                i += len(word)
            else:
                i += 1
        return marks

    def negated_spans(self, clause: str, spans: Sequence[Span]) -> List[bool]:
        """Which matched words a negation governs: the word just after it ("不挂招牌"), or else
        every word before it back to the previous negation ("水、电不要", "医保那个不用改").
        A matched word that itself starts with a negation ("不挂") governs the others the same
        way ("门头不挂"), never itself."""
        if self.cancelled(clause):  # "不开发票不行": the negative word itself is denied
            return [any(clause.startswith(w, sp.start) for w in self.negations) for sp in spans]
        free = self.masked(clause, spans)
        marks = [(m, None) for m in self.negation_marks(free)]
        for j, span in enumerate(spans):
            if any(clause.startswith(w, span.start) for w in self.negations):
                marks.append((span.start, j))
        negated = [False] * len(spans)
        order = sorted(range(len(spans)), key=lambda i: spans[i].start)
        previous = -1
        for mark, own in sorted(marks, key=lambda m: m[0]):
            after = [i for i in order if spans[i].start >= mark and i != own]
            if after and spans[after[0]].start - mark <= NEGATION_REACH:
                negated[after[0]] = True
            else:
                for i in order:
                    if i != own and previous < spans[i].start and spans[i].end <= mark:
                        negated[i] = True
            previous = mark
        return negated

    def unsure(self, free: str) -> bool:
        """A hedge ("不清楚", "忘了") not directly followed by a matched word: "忘了报年报" says
        what was forgotten, an answer, not that the person does not know."""
        for word in self.unsure_words:
            at = free.find(word)
            while at >= 0:
                after = free[at + len(word):at + len(word) + 2]
                if _MASK not in after:
                    return True
                at = free.find(word, at + 1)
        return False

    def polarity(self, clause: str, free: str, question_text: str = "") -> Optional[bool]:
        """Yes, no or None for a clause that names no option: "在的", "还没交", "办过", "先不弄".
        A longer clause counts only if it speaks of the question's own things: "我也说不上来"
        is no "no" to "孩子是在本市的医院出生的吗"."""
        polarity = self._polarity(clause, free, question_text)
        bare = free.replace(_MASK, "")
        if polarity is not None and question_text and len(bare) > BARE_REPLY:
            if not (set(bare) - _NO_TOPIC) & set(question_text):
                return None
        return polarity

    def _polarity(self, clause: str, free: str, question_text: str) -> Optional[bool]:
        bare = free.replace(_MASK, "")
        if clause in self.no_words:
            return False
        if clause in self.yes_words:
            return True
        if self.negation_marks(free):
            return self.cancelled(clause)
        if not bare:
            return None
        if any(bare.startswith(w) for w in self.yes_words if not w.isascii()):
            return True
        if len(bare) >= 2 and any(bare.endswith(e) for e in self.done_endings):
            return True
        if question_text and shares_word(bare, question_text):
            return True  # an echo of the question's own verb: "领一张", "刻过"
        return None

    def contrasting(self, clause: str) -> bool:
        return bool(_CONTRAST_START.match(clause))

    def excepting(self, clause: str) -> bool:
        return any(clause.startswith(word) for word in self.excepts)

    def cancelled(self, clause: str) -> bool:
        """"不开发票不行": a negation undone by a "must" ending is a yes."""
        return any(clause.endswith(e) and len(clause) > len(e) and self.negation_marks(clause[: -len(e)])
                   for e in self.cancelling)

    def mentions_all(self, free: str) -> bool:
        return any(word in free for word in self.all_words)

    def mentions_none(self, clause: str) -> bool:
        return any(word in clause for word in self.none_words)

    def says_both(self, text: str) -> bool:
        return any(word in text for word in self.both)

    def without_corrections(self, text: str) -> str:
        for word in self.corrections:
            text = text.replace(word, "，")
        return text

    def subjects_in(self, text: str) -> List[str]:
        return [name for name, words in self.subjects if any(w in text for w in words)]


def _figures(match: re.Match[str]) -> str:
    value = chinese_to_number(match.group(0))
    if value is None or not float(value).is_integer():
        return match.group(0)
    return str(int(value))


def bigrams(text: str) -> set:
    return {text[i:i + 2] for i in range(len(text) - 1) if _is_word(text[i:i + 2])}


# Characters that make no word of their own in a pair (`bigrams`), and those that carry no
# topic (the check of a longer yes/no clause against its question).
_FUNCTION = set("是的不没吗呢吧么还也都就")
_NO_TOPIC = _FUNCTION | set("了有在我你他她它要啊呀个一")


def _is_word(pair: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in pair) and not (set(pair) & _FUNCTION)


def fuzzy_bigrams(text: str) -> set:
    """Every pair of letters or characters, for loose overlap ("4S店帮办" with "4S店代办")."""
    return {text[i:i + 2] for i in range(len(text) - 1) if _MASK not in text[i:i + 2]}


def shares_word(text: str, other: str) -> bool:
    return bool(bigrams(text) & bigrams(other))
