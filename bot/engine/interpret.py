"""Reads an answer to one question out of free Chinese text, or says what was not understood."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, FrozenSet, List, Optional, Tuple, Union

from bot.catalogue.model import Question, Vocabulary
from bot.catalogue.values import UNKNOWN, InvalidAnswer, coerce_answer
from bot.text import pinyin
from bot.text.dates import parse_age_months, parse_age_years, parse_date
from bot.text.normalize import normalize
from bot.text.numbers import find_number, to_int_or_float
from bot.text.reply import Language, Span, bigrams, fuzzy_bigrams

_ORDINAL = re.compile(r"^(?:第)?([0-9一二三四五六七八九十]+)(?:个|项|种|条)?$")
_LABEL_PARTS = re.compile(r"[（）()，,、/：:；;]|或者?|及")
_YES_NO_QUESTION = re.compile(r"吗[？?]?$|吗[？?]|有没有|是不是|要不要|是否|打不打算|能不能|会不会|想不想")
_NO_LABEL = re.compile(r"^(不|没|未|无|暂|还不|还没|都不|先不)")
_RANGE = (
    (re.compile(r"满(\d+)\D{0,2}不满(\d+)"), lambda a, b: (float(a), float(b) - 1e-9)),
    (re.compile(r"(\d+)\D{0,1}(?:到|至|-|~)(\d+)"), lambda a, b: (float(a), float(b))),
    (re.compile(r"(\d+)\D{0,2}(?:及以上|以上)"), lambda a: (float(a), float("inf"))),
    (re.compile(r"不满(\d+)"), lambda a: (float("-inf"), float(a) - 1e-9)),
)
# A bare yes/no ("在的", "不是", "没有呢") picks an option by its meaning; a longer clause must
# name the option.
SHORT_REPLY = 4
_PRONOUN = re.compile(r"[我你他她俺咱]")
_LINK = re.compile(r"[家的们]?")  # "给我闺女", "给我家孩子"
_CLEAN = re.compile(r"[\s,.!?;:~…、，。！？；：～\"'“”‘’()（）\[\]【】<>《》-]+")


@dataclass(frozen=True)
class Understood:
    value: Any
    matched: str = ""
    display: str = ""  # the recorded value in a few words, to echo back
    inferred: bool = True  # read from free words, not a button or an option's own label

    @property
    def unknown(self) -> bool:
        return self.value == UNKNOWN


@dataclass(frozen=True)
class NotUnderstood:
    question_id: str
    reason: str  # no_match | ambiguous | unsure | out_of_range | empty
    options: List[Tuple[str, str]] = field(default_factory=list)  # (value, label) to offer
    detail: str = ""
    hint: str = ""  # the words of the reply that matched nothing, to say what was not understood


Interpretation = Union[Understood, NotUnderstood]


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
            self.labels = {_clean(vocab.yes_label): True, _clean(vocab.no_label): False}
            self.polar = {True: frozenset({True}), False: frozenset({False})}
        else:
            self.values = tuple(o.value for o in question.options)
            for option in question.options:
                self.labels[_clean(option.label)] = option.value
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
            for name, words in self.lang.subjects:
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

    def loose(self, clause: "Clause") -> FrozenSet[Any]:
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
        for hit, neg in zip(hits, negated):
            hit.negated = neg
        spans = [h.span for h in hits]
        free = lang.masked(text, spans)
        return Clause(text, hits, free, lang.polarity(text, free, question_text), lang.unsure(lang.blanked(text, spans)))

    def _hits(self, text: str) -> List[Hit]:
        hits = self._all_hits(text)
        if self.kind != "single" or len(hits) < 2:
            return hits
        # Chinese puts the head last: in "给我闺女" the person is 闺女, "给我" only leads to it
        # (a word with a pronoun right before another option's word; "爸爸妈妈" stays two).
        ordered = sorted(hits, key=lambda h: h.span.start)
        return [h for h, after in zip(ordered, ordered[1:] + [None])
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


def _clean(text: str) -> str:
    return _CLEAN.sub("", normalize(text).lower())


def _offer(question: Question, vocab: Vocabulary) -> List[Tuple[str, str]]:
    if question.kind == "yesno":
        return [("true", vocab.yes_label), ("false", vocab.no_label)]
    return [(o.value, o.label) for o in question.options]


# -- reading a whole reply --------------------------------------------------------------------


@dataclass
class Read:
    """A reply read against one question, with the clauses it used (the rest may answer others)."""

    result: Interpretation
    clauses: List[Clause]
    used: List[int]


def read(reader: QuestionReader, text: str, vocab: Vocabulary, today: date) -> Read:
    question = reader.question
    offer = _offer(question, vocab)
    raw = normalize(text or "")
    whole = _clean(raw)
    if not whole:
        return Read(NotUnderstood(question.id, "empty", offer), [], [])
    lang = reader.lang
    if whole in reader.labels:
        value = reader.labels[whole]
        return Read(_understood(question, value if question.kind != "multi" else [value], whole, False), [], [])
    clauses = [reader.clause(c, reader.text) for c in lang.clauses(raw)]
    if any(c.unsure for c in clauses):
        return Read(Understood(UNKNOWN, whole), clauses, list(range(len(clauses))))
    kind = question.kind
    if kind in ("number", "date", "text"):
        return Read(_scalar(question, raw, whole, vocab, today, offer), clauses, list(range(len(clauses))))
    if kind == "single":
        chosen = _by_index(whole, question)
        if chosen:
            return Read(_understood(question, chosen, whole, False), clauses, list(range(len(clauses))))
    combine = {"yesno": _yes_no, "single": _single, "multi": _multi}[kind]
    result, used = combine(reader, clauses, whole, offer)
    if isinstance(result, NotUnderstood) and not result.hint:
        result = NotUnderstood(result.question_id, result.reason, result.options, result.detail,
                               _hint(clauses, used))
    return Read(result, clauses, used)


def _understood(question: Question, value: Any, matched: str, inferred: bool = True) -> Interpretation:
    try:
        return Understood(coerce_answer(question, value), matched, inferred=inferred)
    except InvalidAnswer:
        return NotUnderstood(question.id, "no_match")


def _hint(clauses: List[Clause], used: List[int]) -> str:
    rest = [c.text for i, c in enumerate(clauses) if i not in used] or [c.text for c in clauses]
    return "，".join(rest)[:20]


def _yes_no(reader: QuestionReader, clauses: List[Clause], whole: str, offer) -> Tuple[Interpretation, List[int]]:
    q = reader.question
    specific: Dict[bool, List[int]] = {True: [], False: []}
    for i, clause in enumerate(clauses):
        for hit in clause.hits:
            for value in hit.values:
                specific[value != hit.negated].append(i)
    said = [v for v in (True, False) if specific[v]]
    if len(said) == 1:
        against = [c for i, c in enumerate(clauses) if i not in specific[said[0]] and not c.hits
                   and c.polarity is (not said[0]) and reader.lang.negation_marks(c.free)
                   and bigrams(c.text) & bigrams(reader.text)]
        but = [c for i, c in enumerate(clauses) if i not in specific[said[0]] and not c.hits
               and reader.lang.contrasting(c.text) and bigrams(c.text) & bigrams(reader.text)]
        if against or but:  # "房子在我名下，她名下没有", "一楼，但是座位超过50个": ask again
            return NotUnderstood(q.id, "ambiguous", offer), []
        return Understood(said[0], whole), sorted(set(specific[said[0]]))
    if len(said) == 2:
        return NotUnderstood(q.id, "ambiguous", offer), []
    for i, clause in enumerate(clauses):
        if clause.polarity is not None:
            return Understood(clause.polarity, whole), [i]
    for i, clause in enumerate(clauses):
        loose = reader.loose(clause)
        if len(loose) == 1:
            value = next(iter(loose))
            negated = bool(reader.lang.negation_marks(clause.free))
            return Understood(value != negated, whole), [i]
    return NotUnderstood(q.id, "no_match", offer), []


def _single(reader: QuestionReader, clauses: List[Clause], whole: str, offer) -> Tuple[Interpretation, List[int]]:
    q = reader.question
    named: List[FrozenSet[Any]] = []
    denied: set = set()
    used: List[int] = []
    for i, clause in enumerate(clauses):
        for hit in clause.hits:
            if hit.negated:
                denied.update(hit.values)
            else:
                named.append(hit.values)
            used.append(i)
    candidates = set(reader.values) - denied
    if named:
        exact = {next(iter(v)) for v in named if len(v) == 1} - denied
        if len(exact) == 1:
            return _understood(q, exact.pop(), whole), sorted(set(used))
        if exact:
            return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] in exact]), []
        narrowed = set.intersection(*(set(v) for v in named)) & candidates
        narrowed = _narrow_by_polarity(reader, clauses, narrowed)
        if len(narrowed) == 1:
            return _understood(q, narrowed.pop(), whole), sorted(set(used))
        if narrowed:
            return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] in narrowed]), []
    if denied and len(candidates) == 1:
        return _understood(q, next(iter(candidates)), whole), sorted(set(used))
    band = _by_band(reader, clauses)
    if band is not None:
        return _understood(q, band, whole), list(range(len(clauses)))
    for i, clause in enumerate(clauses):
        polarity = False if reader.lang.mentions_none(clause.text) else clause.polarity
        if polarity is None or polarity not in reader.polar:
            continue
        if len(clause.text) > SHORT_REPLY:
            break  # "想把户口迁到济南来" is not a bare yes to "户口是济南的吗"
        picked = set(reader.polar[polarity]) & candidates
        if len(picked) == 1:
            return _understood(q, picked.pop(), whole), [i]
        if picked:
            return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] in picked]), []
    if not denied:
        loose = [(i, reader.loose(c)) for i, c in enumerate(clauses)
                 if not c.hits and not reader.lang.negation_marks(c.free)]
        values = set().union(*(v for _, v in loose)) if loose else set()
        if len(values) == 1:
            return _understood(q, values.pop(), whole), [i for i, v in loose if v]
    if denied and len(candidates) < len(reader.values):
        return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] in candidates]), []
    return NotUnderstood(q.id, "no_match", offer), []


def _narrow_by_polarity(reader: QuestionReader, clauses: List[Clause], values: set) -> set:
    for clause in clauses:
        if clause.polarity is not None and clause.polarity in reader.polar and not clause.hits:
            narrowed = values & set(reader.polar[clause.polarity])
            if narrowed:
                return narrowed
    return values


def _by_band(reader: QuestionReader, clauses: List[Clause]) -> Optional[Any]:
    if not reader.bands:
        return None
    for clause in clauses:
        found = find_number(clause.text)
        if found is None:
            continue
        for low, high, value in reader.bands:
            if low <= found.value <= high:
                return value
    return None


def _multi(reader: QuestionReader, clauses: List[Clause], whole: str, offer) -> Tuple[Interpretation, List[int]]:
    q = reader.question
    lang = reader.lang
    named: set = set()
    denied: set = set()
    every = none = False
    polarity: Optional[bool] = None
    used: List[int] = []
    # "除了宽带，别的都要" leaves 宽带 out; "除了宽带，还要装水" adds to it.
    leaving_out = any(lang.mentions_all(c.free) and (not c.hits or lang.excepting(c.text)) for c in clauses)
    for i, clause in enumerate(clauses):
        for hit in clause.hits:
            out = hit.negated or (leaving_out and lang.excepting(clause.text))
            (denied if out else named).update(hit.values)
        negative = bool(lang.negation_marks(clause.free))
        if lang.mentions_none(clause.text) or (lang.mentions_all(clause.free) and negative and not clause.hits):
            none = True  # "都不要", "别的没有"
        elif lang.mentions_all(clause.free) and (not clause.hits or lang.excepting(clause.text)):
            every = True  # "水电都要" is water and power; "除了电视都要" is the rest
        elif not clause.hits and polarity is None:
            polarity = clause.polarity
        if clause.hits or none or every or clause.polarity is not None:
            used.append(i)
    values = list(reader.values)
    if every:
        chosen = [v for v in values if v not in denied]
    elif named - denied:
        chosen = [v for v in values if v in named and v not in denied]
    elif none or (denied and denied >= set(values)) or (polarity is False and not denied):
        chosen = []
    elif denied:
        return NotUnderstood(q.id, "ambiguous", [o for o in offer if o[0] not in denied]), []
    elif polarity is True and len(values) == 1:
        chosen = values
    elif polarity is True:
        return NotUnderstood(q.id, "ambiguous", offer), []
    else:
        return NotUnderstood(q.id, "no_match", offer), []
    return _understood(q, chosen, whole), used


def _by_index(text: str, question: Question) -> Optional[str]:
    match = _ORDINAL.match(text)
    if not match:
        return None
    raw = match.group(1)
    number = int(raw) if raw.isdigit() else find_number(raw)
    index = int(number.value if hasattr(number, "value") else number) if number else 0
    if 1 <= index <= len(question.options):
        return question.options[index - 1].value
    return None


def _scalar(question: Question, raw: str, whole: str, vocab: Vocabulary, today: date, offer) -> Interpretation:
    if question.kind == "number":
        value = _number(raw, question, vocab)
        if value is None:
            return NotUnderstood(question.id, "no_match", offer, hint=whole[:20])
        return _checked(question, value, whole, offer)
    if question.kind == "date":
        found = parse_date(raw, today)
        if found is None:
            return NotUnderstood(question.id, "no_match", offer, hint=whole[:20])
        if found > today:
            return NotUnderstood(question.id, "out_of_range", offer, found.isoformat())
        return _checked(question, found, whole, offer)
    return _checked(question, raw, whole, offer)


def _number(text: str, question: Question, vocab: Vocabulary) -> Optional[float]:
    unit = question.unit or ""
    if "岁" in unit:
        age = parse_age_years(text)
        if age is not None:
            return age
    if "月" in unit:
        months = parse_age_months(text)
        if months is not None and "岁" in text:
            return months
    found = find_number(text)
    if found is not None:
        return to_int_or_float(found.value)
    cleaned = _clean(text)
    if cleaned in vocab.no_words or any(w in cleaned for w in vocab.none_words):
        return 0
    return None


def _checked(question: Question, value: Any, matched: str, offer: List[Tuple[str, str]]) -> Interpretation:
    try:
        return Understood(coerce_answer(question, value), matched)
    except InvalidAnswer as exc:
        reason = "out_of_range" if exc.reason in ("below_min", "above_max", "not_an_integer") else "no_match"
        return NotUnderstood(question.id, reason, offer, exc.detail)


# -- the single-question entry point ----------------------------------------------------------

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


def interpret(question: Question, text: str, vocab: Vocabulary, today: Optional[date] = None) -> Interpretation:
    """Understood(value) with the canonical value for `question`, or NotUnderstood with options.
    Not knowing is NotUnderstood("unsure") here; `read_reply` records it as an answer."""
    result = read(reader_for(question, vocab), text, vocab, today or date.today()).result
    if isinstance(result, Understood) and result.unknown:
        return NotUnderstood(question.id, "unsure", _offer(question, vocab))
    return result
