"""Pydantic schema of the rules catalogue: registries, bundles, items, questions, materials, fields."""

from __future__ import annotations

from datetime import date
from typing import Dict, List, Literal, Optional, Union

from pydantic import BaseModel, Field, StrictBool, conint, constr, root_validator, validator

from bot.catalogue.conditions import ConditionType, Scalar

Id = constr(regex=r"^[a-z][a-z0-9_]*$", min_length=2, max_length=64)
Text = constr(strip_whitespace=True, min_length=1)

Audience = Literal["individual", "enterprise"]
HandlingMode = Literal["online", "online_precheck", "window"]
QuestionKind = Literal["single", "multi", "yesno", "date", "number", "text"]
MaterialKind = Literal["licence", "certificate", "form", "other"]
FieldType = Literal[
    "text", "id_number", "phone", "date", "enum", "address", "number",
    "credit_code", "email", "bank_account", "plate_number", "yesno",
]


class Strict(BaseModel):
    class Config:
        extra = "forbid"
        allow_population_by_field_name = True
        anystr_strip_whitespace = True


class Reference(Strict):
    """A policy document a rules file encodes."""

    title: Text
    doc_no: Optional[Text] = None
    url: Optional[Text] = None
    note: Optional[Text] = None


class Described(Strict):
    description: Text
    references: List[Reference] = Field(..., min_items=1)


# --- shared registries -------------------------------------------------------------------


class Site(Strict):
    """A place a person goes to in person: a hall with an address and opening hours."""

    id: Id
    name: Text
    address: Text
    hours: Text
    phone: Optional[Text] = None


class Department(Strict):
    id: Id
    name: Text
    site: Id  # where its window is: trips are counted per site, not per department
    window: Text
    phone: Optional[Text] = None
    # False for utilities, banks and insurers: their papers are not government proofs, which
    # the linter requires to be shared, e-licensed or justified (减证便民).
    government: StrictBool = True


class DepartmentsFile(Described):
    # The site of the 综合窗口 (一窗受理): printed on the notice as where to ask.
    service_centre: Id
    sites: List[Site] = Field(..., min_items=1)
    departments: List[Department] = Field(..., min_items=1)


class ELicence(Strict):
    id: Id
    name: Text
    issuer: Id
    fields: List[Id] = []


class ELicencesFile(Described):
    e_licences: List[ELicence] = Field(..., min_items=1)


class Material(Strict):
    id: Id
    name: Text
    kind: MaterialKind
    e_licence: Optional[Id] = None  # the e-licence type that makes it 免提交 for whoever holds it
    issuer: Optional[Id] = None
    note: Optional[Text] = None
    # The data a department reads instead (部门间共享): the material is 免提交 for everyone.
    shared_data: Optional[Text] = None
    # Why a government-issued proof must still be brought on paper, when it is neither.
    paper_reason: Optional[Text] = None

    @root_validator(skip_on_failure=True)
    def _one_way_out(cls, values: dict) -> dict:
        given = [k for k in ("e_licence", "shared_data", "paper_reason") if values.get(k)]
        if len(given) > 1:
            raise ValueError(f"a material names at most one of e_licence, shared_data, paper_reason "
                             f"(this one names {', '.join(given)})")
        return values


class MaterialsFile(Described):
    materials: List[Material] = Field(..., min_items=1)


class FieldSource(Strict):
    """Where a form value can come from, tried in the order listed."""

    identity: Optional[Id] = None
    e_licence: Optional[Id] = None
    field: Optional[Id] = None
    answer: Optional[Id] = None

    @root_validator(skip_on_failure=True)
    def _one_kind(cls, values: dict) -> dict:
        kinds = [k for k in ("identity", "e_licence", "answer") if values.get(k)]
        if len(kinds) != 1:
            raise ValueError("a source is exactly one of `identity`, `e_licence` (+ `field`), `answer`")
        if values.get("e_licence") and not values.get("field"):
            raise ValueError("an `e_licence` source names the licence `field` it reads")
        if values.get("field") and not values.get("e_licence"):
            raise ValueError("`field` belongs to an `e_licence` source")
        return values

    @property
    def kind(self) -> str:
        return "identity" if self.identity else "e_licence" if self.e_licence else "answer"


class FormField(Strict):
    id: Id
    label: Text
    type: FieldType
    options: List[Text] = []
    pattern: Optional[Text] = None  # a regular expression the whole value must match
    max_length: Optional[conint(gt=0)] = None
    hint: Optional[Text] = None
    sources: List[FieldSource] = []

    @root_validator(skip_on_failure=True)
    def _enum_has_options(cls, values: dict) -> dict:
        if values.get("type") == "enum" and not values.get("options"):
            raise ValueError("an enum field lists its options")
        return values


class FieldsFile(Described):
    fields: List[FormField] = Field(..., min_items=1)


class Category(Strict):
    id: Id
    name: Text
    audience: Audience
    description: Optional[Text] = None


class CategoriesFile(Described):
    audiences: Dict[Audience, Text]
    categories: List[Category] = Field(..., min_items=1)


class ReplyWords(Strict):
    """How people shape a free reply: negation, hedges, dialect, "both", corrections."""

    negations: List[Text] = []  # a mention governed by one of these is denied ("不挂招牌")
    not_negating: List[Text] = []  # look like a negation but are not ("不光", "没问题")
    done_endings: List[Text] = []  # a verb ending in one of these affirms ("办过", "缴了")
    cancelling: List[Text] = []  # "不开发票不行": a negation before one of these is a yes
    excepts: List[Text] = []  # "除了宽带，别的都要": the words after one are left out of "all"
    both: List[Text] = []  # "我俩都是…": the same answer for the questions it names
    corrections: List[Text] = []  # "不对，…": a correction of an earlier answer
    particles: List[Text] = []  # dropped at the end of a clause ("是滴", "好嘞")
    fillers: List[Text] = []  # dropped at the start of a clause ("那个", "就是")
    asides: List[Text] = []  # a first clause of only these leads to something else ("对了，…")
    dialect: Dict[Text, Text] = {}  # dialect word → common word ("木有" → "没有"), anywhere
    dialect_openers: Dict[Text, Text] = {}  # only where a clause starts ("系本地嘅": 系 → 是)
    subjects: Dict[Text, List[Text]] = {}  # a person a question is about → words for them


class Vocabulary(Described):
    """Words the engine reads and labels the bot shows; language, not policy."""

    yes_words: List[Text]
    no_words: List[Text]
    unsure_words: List[Text] = []
    all_words: List[Text] = []
    none_words: List[Text] = []
    yes_label: Text
    no_label: Text
    labels: Dict[Id, Dict[str, Text]]
    # Latin words people mix into Chinese (English, pinyin) → the Chinese words they stand for.
    glosses: Dict[constr(regex=r"^[a-z][a-z0-9]*$"), Text] = {}
    replies: ReplyWords = ReplyWords()


class MessagesFile(Described):
    """The bot's own sentences around the catalogue content, with {placeholders}."""

    messages: Dict[Id, Text]


# --- bundles -------------------------------------------------------------------------------


class TimeLimit(Strict):
    legal_days: Optional[conint(ge=0)] = None  # 法定办结时限 (working days)
    promised_days: conint(ge=0)  # 承诺办结时限 (working days)


class MaterialUse(Strict):
    ref: Id
    when: Optional[ConditionType] = None
    copies: conint(ge=1, le=20) = 1
    original: StrictBool = True  # True: bring the original; False: a copy
    deferrable: StrictBool = False  # 容缺受理
    commitment: StrictBool = False  # 告知承诺制
    produced_by: Optional[Id] = None  # 过程材料: an earlier item of this bundle issues it
    # What this bundle calls the registry material (健康证明 means a different one in a pharmacy
    # than in a restaurant); every use in one bundle that names it gives the same name.
    name: Optional[Text] = None
    # Whose it is when several people each bring their own (父母双方, 买卖双方): shown as
    # "父母双方的居民身份证，各 1 份" rather than one copy with a note.
    holders: Optional[Text] = None
    note: Optional[Text] = None  # added after the registry's note


class FieldUse(Strict):
    ref: Id
    required: StrictBool = True
    when: Optional[ConditionType] = None
    # This bundle's label and hint for the registry field, like MaterialUse.name.
    label: Optional[Text] = None
    hint: Optional[Text] = None


class Item(Strict):
    id: Id
    code: Text  # 事项编码 in the provincial catalogue
    name: Text
    department: Id
    # Handled somewhere other than the department's own window (the tax on a house sale is paid
    # at the 不动产登记大厅's tax window): the site, and the window text to show with it.
    site: Optional[Id] = None
    window: Optional[Text] = None
    time_limit: TimeLimit
    fee: float = Field(0, ge=0)
    fee_note: Optional[Text] = None
    handling_mode: HandlingMode
    trips: conint(ge=0, le=1)
    when: Optional[ConditionType] = None
    note: Optional[Text] = None
    materials: List[MaterialUse] = []
    fields: List[FieldUse] = []

    @root_validator(skip_on_failure=True)
    def _site_has_its_window(cls, values: dict) -> dict:
        if values.get("site") and not values.get("window"):
            raise ValueError("an item handled at another `site` also gives its `window` there "
                             "(else the department's window, at another place, would be shown)")
        return values


class Option(Strict):
    value: Id
    label: Text
    synonyms: List[Text] = []
    # The option a bare "是/在/有" (yes) or "不/没有" (no) picks when the question is asked as a
    # yes/no question ("户口在本市吗？"); several options may share one meaning (then the reply
    # narrows the choice to them).
    means: Optional[Literal["yes", "no"]] = None


class Extraction(Strict):
    """A regular expression that, found in something the person said, answers the question."""

    pattern: Text
    value: Scalar


class FactAnswer(Strict):
    """The question is answered by what the government already knows (identity, e-licences)."""

    when: ConditionType
    value: Scalar


class Question(Strict):
    id: Id
    text: Text
    kind: QuestionKind
    why: Text
    when: Optional[ConditionType] = None
    options: List[Option] = []
    yes_words: List[Text] = []
    no_words: List[Text] = []
    unit: Optional[Text] = None
    min: Optional[float] = None
    max: Optional[float] = None
    integer: StrictBool = False
    extract: List[Extraction] = []
    answered_by: List[FactAnswer] = []

    @root_validator(skip_on_failure=True)
    def _options_match_kind(cls, values: dict) -> dict:
        kind, options = values.get("kind"), values.get("options") or []
        if kind in ("single", "multi") and len(options) < 2:
            raise ValueError(f"a {kind} question offers at least two options")
        if kind not in ("single", "multi") and options:
            raise ValueError(f"a {kind} question has no options")
        if kind != "single" and any(o.means for o in options):
            raise ValueError("`means` belongs to the options of a single-choice question")
        if kind != "yesno" and (values.get("yes_words") or values.get("no_words")):
            raise ValueError("yes_words/no_words belong to yesno questions")
        seen = set()
        for option in options:
            if option.value in seen:
                raise ValueError(f"option value {option.value!r} is listed twice")
            seen.add(option.value)
        return values


class Routing(Strict):
    """How people say they need this bundle; read by the router at load, no NLU training."""

    keywords: List[Text] = Field(..., min_items=1)
    examples: List[Text] = Field(..., min_items=3)
    # What must NOT route here although it sounds alike ("我想买点感冒药" is no pharmacy opening).
    not_examples: List[Text] = []


class Bundle(Described):
    id: Id
    name: Text
    short_name: Optional[Text] = None
    audience: Audience
    category: Id
    version: Text
    effective_from: date
    lead_department: Id
    promised_days: Optional[conint(ge=0)] = None  # overrides the computed overall limit
    routing: Routing
    questions: List[Question] = []
    items: List[Item] = Field(..., min_items=1)

    @validator("questions")
    def _unique_questions(cls, questions: List[Question]) -> List[Question]:
        _no_duplicates([q.id for q in questions], "question")
        return questions

    @validator("items")
    def _unique_items(cls, items: List[Item]) -> List[Item]:
        _no_duplicates([i.id for i in items], "item")
        return items


def _no_duplicates(ids: List[str], what: str) -> None:
    seen = set()
    for one in ids:
        if one in seen:
            raise ValueError(f"{what} id {one!r} is used twice")
        seen.add(one)


AnswerValue = Union[bool, str, float, int, date, List[str]]
