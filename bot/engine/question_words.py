"""One question's words prepared for reading free answers: phrases per value (labels,
synonyms, parts of labels, verb-object splits, names for people), yes/no meanings, number bands,
loose character pairs and sounds; and a clause of a reply matched against them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

from bot.catalogue.model import Question, Vocabulary
from bot.text import pinyin
from bot.text.normalize import normalize
from bot.text.reply import Language, Span, fuzzy_bigrams

_LABEL_PARTS = re.compile(r"[（）()，,、/：:；;]|或者?|及")
_YES_NO_QUESTION = re.compile(r"吗[？?]?$|吗[？?]|有没有|是不是|要不要|是否|打不打算|能不能|会不会|想不想")
_NO_LABEL = re.compile(r"^(不|没|未|无|暂|还不|还没|都不|先不)")
_RANGE = (
    (re.compile(r"满(\d+)\D{0,2}不满(\d+)"), lambda a, b: (float(a), float(b) - 1e-9)),
    (re.compile(r"(\d+)\D{0,1}(?:到|至|-|~)(\d+)"), lambda a, b: (float(a), float(b))),
    (re.compile(r"(\d+)\D{0,2}(?:及以上|以上)"), lambda a: (float(a), float("inf"))),
    (re.compile(r"不满(\d+)"), lambda a: (float("-inf"), float(a) - 1e-9)),
)
_PRONOUN = re.compile(r"[我你他她俺咱]")
_LINK = re.compile(r"[家的们]?")  # "给我闺女", "给我家孩子"
_CLEAN = re.compile(r"[\s,.!?;:~…、，。！？；：～\"'“”‘’()（）\[\]【】<>《》-]+")


@dataclass
class Hit:
    span: Span
    values: FrozenSet[Any]
    negated: bool = False


@dataclass
class Clause:
    text: str
    hits: List[Hit]
    free: str
    polarity: Optional[bool]
    unsure: bool


class QuestionReader:
    """One question's words, prepared once: phrases per value, yes/no meanings, number bands."""

    def __init__(self, question: Question, lang: Language, vocab: Vocabulary) -> None:
        self.question = question
        self.lang = lang
        self.kind = question.kind
        self.text = question.text
        phrases: Dict[str, set] = {}

        def add(word: str, value: Any) -> None:
            word = lang.fold(_CLEAN.sub("", normalize(word).lower()))
            if word:
                phrases.setdefault(word, set()).add(value)

        self.labels: Dict[str, Any] = {}
        if self.kind == "yesno":
            self.values: Tuple[Any, ...] = (True, False)
            for word in question.yes_words:
                add(word, True)
            for word in question.no_words:
                add(word, False)
            self.labels = {clean(vocab.yes_label): True, clean(vocab.no_label): False}
            self.polar = {True: frozenset({True}), False: frozenset({False})}
        else:
            self.values = tuple(o.value for o in question.options)
            for option in question.options:
                self.labels[clean(option.label)] = option.value
                add(option.label, option.value)
                add(option.value.replace("_", " "), option.value)
                for synonym in option.synonyms:
                    add(synonym, option.value)
            self._add_label_parts(add)
            self.polar = self._polar()
        self._add_subjects(add)
        exact = dict(phrases)
        for word, values in exact.items():
            for variant in _separated(word):
                if variant not in exact:
                    for value in values:
                        add(variant, value)
        self.phrases: List[Tuple[str, FrozenSet[Any]]] = sorted(
            ((w, frozenset(v)) for w, v in phrases.items()), key=lambda p: -len(p[0])
        )
        self.fuzzy = self._fuzzy(exact)
        self.sounds = [(pinyin.word_syllables(w), w) for w, _ in self.phrases if len(w) >= 2 and not w.isascii()]
        self.bands = self._bands()

    def _add_label_parts(self, add) -> None:
        """Parts of a long label stand for every option whose label has them: "外地户口" in
        "外地户口，有济南居住证" narrows to the two options that say 外地户口."""
        options = self.question.options
        for option in options:
            for part in _LABEL_PARTS.split(normalize(option.label)):
                part = part.strip()
                if len(part) < 2:
                    continue
                having = [o.value for o in options if part in normalize(o.label)]
                if len(having) < len(options):
                    for value in having:
                        add(part, value)

    def _add_subjects(self, add) -> None:
        """An option about a person ("随父亲落户") is also named by what people call them ("她爸")."""
        for option in self.question.options:
            for _, words in self.lang.subjects:
                if any(w in option.label for w in words if len(w) > 1):
                    others = [o for o in self.question.options if o is not option
                              and any(w in o.label for w in words if len(w) > 1)]
                    if not others:
                        for word in words:
                            add(word, option.value)

    def _fuzzy(self, exact: Dict[str, set]) -> Dict[Any, set]:
        """Pairs of characters found in one value's words only: "让会计去办" shares 会计 with
        "会计办" and with nothing said for the other answer."""
        pairs: Dict[Any, set] = {}
        for word, values in exact.items():
            if any(n in word for n in self.lang.negations):
                continue  # "没有打算" says nothing about "有打算"
            for value in values:
                pairs.setdefault(value, set()).update(fuzzy_bigrams(word))
        return {v: p - set().union(*(q for w, q in pairs.items() if w != v)) for v, p in pairs.items()}

    def loose(self, clause: Clause) -> FrozenSet[Any]:
        """Values whose own pairs of characters the clause uses, when it names none exactly."""
        pairs = fuzzy_bigrams(clause.free)
        return frozenset(v for v, own in self.fuzzy.items() if own & pairs)

    def _polar(self) -> Dict[bool, FrozenSet[Any]]:
        """Which options a bare yes or no picks, for a question asked as a yes/no question."""
        options = self.question.options
        if any(o.means for o in options):
            return {
                True: frozenset(o.value for o in options if o.means == "yes"),
                False: frozenset(o.value for o in options if o.means == "no"),
            }
        if self.kind == "multi":
            return {False: frozenset()}
        if not _YES_NO_QUESTION.search(self.text):
            return {}
        no = frozenset(o.value for o in options if _NO_LABEL.match(o.label) or o.value in ("none", "no"))
        if len(no) != 1:
            return {}
        return {False: no, True: frozenset(o.value for o in options if o.value not in no)}

    def _bands(self) -> List[Tuple[float, float, Any]]:
        bands = []
        for option in self.question.options:
            for pattern, make in _RANGE:
                match = pattern.search(option.label)
                if match:
                    low, high = make(*match.groups())
                    bands.append((low, high, option.value))
                    break
        return bands if len(bands) == len(self.question.options) else []

    # -- one clause ---------------------------------------------------------------------------
    def clause(self, text: str, question_text: str = "") -> Clause:
        hits = self._hits(text)
        lang = self.lang
        if not hits and not text.isdigit() and text not in lang.yes_words and text not in lang.no_words:
            rewritten = self._by_sound(text)
            if rewritten != text:
                text = rewritten
                hits = self._hits(text)
        negated = lang.negated_spans(text, [h.span for h in hits])
        for hit, neg in zip(hits, negated, strict=False):
            hit.negated = neg
        spans = [h.span for h in hits]
        free = lang.masked(text, spans)
        unsure = lang.unsure(lang.blanked(text, spans))
        return Clause(text, hits, free, lang.polarity(text, free, question_text), unsure)

    def _hits(self, text: str) -> List[Hit]:
        hits = self._all_hits(text)
        if self.kind != "single" or len(hits) < 2:
            return hits
        # Chinese puts the head last: in "给我闺女" the person is 闺女, "给我" only leads to it
        # (a word with a pronoun right before another option's word; "爸爸妈妈" stays two).
        ordered = sorted(hits, key=lambda h: h.span.start)
        return [h for h, after in zip(ordered, ordered[1:] + [None], strict=False)
                if not (after and after.values != h.values and len(after.values) == len(h.values) == 1
                        and _PRONOUN.search(text[h.span.start:h.span.end])
                        and _LINK.fullmatch(text[h.span.end:after.span.start]))]

    def _all_hits(self, text: str) -> List[Hit]:
        taken = [False] * len(text)
        hits: List[Hit] = []
        short = len(text) <= 3
        for word, values in self.phrases:
            if len(word) == 1 and not word.isascii() and not (short or self.kind == "multi"):
                continue
            if word.isascii() and word.isalpha():  # "ok", "yes": the whole reply or nothing
                if text == word:
                    hits.append(Hit(Span(0, len(text)), values))
                continue
            start = text.find(word)
            while start >= 0:
                end = start + len(word)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * len(word)
                    hits.append(Hit(Span(start, end), values))
                start = text.find(word, end)
        return hits

    def _by_sound(self, text: str) -> str:
        """Words typed with the wrong character of the same sound, or as pinyin, put right."""
        sounds, starts = pinyin.syllables(text)
        if not sounds:
            return text
        ends = list(starts[1:]) + [len(text)]
        for syllables, word in self.sounds:
            # A two-syllable word heard inside a longer clause is too often a real other word
            # ("到济南" is not "到期"); only short replies or longer words are put right.
            if len(syllables) < 3 and len(sounds) > 3:
                continue
            at = pinyin.find(sounds, syllables)
            if at >= 0:
                start, end = starts[at], ends[at + len(syllables) - 1]
                return text[:start] + word + text[end:]
        if text.isascii() and text.isalpha():
            return _spell_out(text, self.lang)
        return text


def _spell_out(text: str, lang: Language) -> str:
    """Typed pinyin of everyday yes/no words ("shi de", "bu xiang") in characters."""
    sounds, _ = pinyin.syllables(text)
    words = [w for w in (*lang.yes_words, *lang.no_words, *lang.negations) if not w.isascii()]
    out = []
    for syllable in sounds:
        match = next((w for w in words if len(w) == 1 and syllable & pinyin.word_syllables(w)[0]), None)
        out.append(match or _COMMON.get(next(iter(syllable)), "?"))
    return "".join(out)


def _separated(word: str) -> List[str]:
    """A verb and its object come apart in speech: "贷款" as "贷了款", "装网" as "装个网"."""
    if len(word) < 2 or len(word) > 4 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return []
    head, rest = word[0], word[1:]
    if head in "不没未无别":
        return []
    inserts = ("了", "过", "个") if len(word) > 2 else ("了", "过", "个", "了个")
    return [head + mark + rest for mark in inserts]


# A few function characters people type as pinyin that are not yes/no words themselves.
_COMMON = {"de": "的", "le": "了", "guo": "过", "xiang": "想", "yong": "用", "kai": "开", "ban": "办"}


def clean(text: str) -> str:
    return _CLEAN.sub("", normalize(text).lower())


def offered(question: Question, vocab: Vocabulary) -> List[Tuple[str, str]]:
    if question.kind == "yesno":
        return [("true", vocab.yes_label), ("false", vocab.no_label)]
    return [(o.value, o.label) for o in question.options]


_LANGUAGES: Dict[int, Tuple[Vocabulary, Language]] = {}
_READERS: Dict[int, Tuple[Question, QuestionReader]] = {}


def language(vocab: Vocabulary) -> Language:
    cached = _LANGUAGES.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        cached = _LANGUAGES[id(vocab)] = (vocab, Language.of(vocab))
    return cached[1]


def reader_for(question: Question, vocab: Vocabulary) -> QuestionReader:
    cached = _READERS.get(id(question))
    if cached is None or cached[0] is not question or cached[1].lang is not language(vocab):
        cached = _READERS[id(question)] = (question, QuestionReader(question, language(vocab), vocab))
    return cached[1]


