"""The outcome for a set of answers: items, the one-time materials notice and the unified form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Dict, List, Optional

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.model import FormField, Item, Question
from bot.engine.compiled import CompiledBundle
from bot.engine.evaluate import holds
from bot.engine.questionnaire import State
from bot.privacy import mask_id_number, mask_phone

STATUS_ORDER = ("required", "deferrable", "commitment", "exempt", "produced")


@dataclass
class ItemLine:
    item_id: str
    code: str
    name: str
    department: str
    department_name: str
    window: str
    site: str  # the site id where its window is (the item's own, else its department's)
    handling_mode: str
    trips: int
    legal_days: Optional[int]
    promised_days: int
    fee: float
    fee_note: Optional[str]


@dataclass
class MaterialLine:
    material_id: str
    name: str
    kind: str
    copies: int
    original: bool
    status: str
    covered_by: Optional[str]  # e-licence type id when exempt
    covered_by_name: Optional[str]
    produced_by: Optional[str]  # item id when produced inside the bundle
    used_by: List[str]
    notes: List[str] = field(default_factory=list)
    # Whose it is when several people each bring their own (父母双方), one entry per wording.
    holders: List[str] = field(default_factory=list)


@dataclass
class SiteVisit:
    """A place the person must go to in person, and what they do there in the same trip."""

    site_id: str
    name: str
    address: str
    hours: str
    phone: Optional[str]
    trips: int
    items: List[str]  # item ids handled there


@dataclass
class Summary:
    before: int  # material entries if each item were applied for separately
    after: int  # distinct materials the person still brings
    exempt: int
    produced: int
    trips: int  # one per distinct site with an item needing a visit (items there share the trip)
    time_limit_days: int
    handling_mode: str
    sites: List[SiteVisit] = field(default_factory=list)


@dataclass
class FieldLine:
    field_id: str
    label: str
    type: str
    value: Optional[str]  # full value, for the application only
    display: Optional[str]  # masked where personal, for anything shown or logged
    source: Optional[str]  # identity | e_licence | answer | None (the person fills it)
    source_detail: Optional[str]
    required: bool
    options: List[str] = field(default_factory=list)
    hint: Optional[str] = None


@dataclass
class Conditional:
    """Items and materials needed only if an unknown answer turns out to be `value`."""

    question_id: str
    question: str
    value: Any  # None: the answer is a number or a date; the line lists what it may add
    display: str
    items: List[str] = field(default_factory=list)  # item ids
    materials: List[str] = field(default_factory=list)  # material ids


@dataclass
class Outcome:
    bundle_id: str
    bundle_name: str
    complete: bool  # every question that could change it has been answered
    items: List[ItemLine]
    materials: List[MaterialLine]
    summary: Summary
    fields: List[FieldLine]
    prefill_ratio: float
    undecided_items: List[str] = field(default_factory=list)
    # Answered "不知道": what each possible answer would add, and the questions to confirm.
    conditional: List[Conditional] = field(default_factory=list)
    to_confirm: List[str] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def compute_outcome(cat: Catalogue, cb: CompiledBundle, state: State, complete: bool) -> Outcome:
    ctx = state.ctx
    items: List[Item] = []
    undecided: List[str] = []
    for item, when in cb.items:
        result = holds(when, ctx)
        if result is True:
            items.append(item)
        elif result is None:
            undecided.append(item.id)
    applicable = {i.id for i in items}

    materials = _materials(cat, cb, state, applicable)
    before = sum(
        1 for use in cb.materials if use.item.id in applicable and holds(use.applies, ctx) is True
    )
    brings = sum(1 for m in materials if m.status in ("required", "deferrable", "commitment"))
    sites = _sites(cat, items)
    modes = {i.handling_mode for i in items}
    mode = "online" if modes <= {"online"} else "window" if "window" in modes else "online_precheck"
    summary = Summary(
        before=before,
        after=brings,
        exempt=sum(1 for m in materials if m.status == "exempt"),
        produced=sum(1 for m in materials if m.status == "produced"),
        trips=sum(s.trips for s in sites),
        time_limit_days=cb.bundle.promised_days
        if cb.bundle.promised_days is not None
        else _critical_path_days(cb, items),
        handling_mode=mode,
        sites=sites,
    )
    fields = _form(cat, cb, state, applicable)
    filled = sum(1 for f in fields if f.source)
    return Outcome(
        bundle_id=cb.id,
        bundle_name=cb.bundle.name,
        complete=complete,
        items=[_item_line(cat, i) for i in items],
        materials=materials,
        summary=summary,
        fields=fields,
        prefill_ratio=round(filled / len(fields), 3) if fields else 0.0,
        undecided_items=undecided,
    )


def _sites(cat: Catalogue, items: List[Item]) -> List[SiteVisit]:
    """Where the person goes, in the order the items are listed: items at one site share a
    trip, so a site counts the most any of its items needs (0 or 1), and online items none."""
    visits: Dict[str, SiteVisit] = {}
    for item in items:
        if not item.trips:
            continue
        site_id = item_site(cat, item)
        visit = visits.get(site_id)
        if visit is None:
            site = cat.sites[site_id]
            visit = visits[site_id] = SiteVisit(site_id=site.id, name=site.name, address=site.address,
                                                hours=site.hours, phone=site.phone, trips=0, items=[])
        visit.trips = max(visit.trips, item.trips)
        visit.items.append(item.id)
    return list(visits.values())


def item_site(cat: Catalogue, item: Item) -> str:
    return item.site or cat.departments[item.department].site


def _item_line(cat: Catalogue, item: Item) -> ItemLine:
    dept = cat.departments[item.department]
    return ItemLine(
        item_id=item.id, code=item.code, name=item.name, department=item.department,
        department_name=dept.name, window=item.window or dept.window, site=item_site(cat, item),
        handling_mode=item.handling_mode,
        trips=item.trips, legal_days=item.time_limit.legal_days,
        promised_days=item.time_limit.promised_days, fee=item.fee, fee_note=item.fee_note,
    )


def _materials(cat: Catalogue, cb: CompiledBundle, state: State, applicable: set) -> List[MaterialLine]:
    merged: Dict[str, MaterialLine] = {}
    all_defer: Dict[str, bool] = {}
    all_commit: Dict[str, bool] = {}
    # Produced inside the bundle only if every item that uses it gets it from an earlier item;
    # an item that needs it from the applicant (e.g. the parents' 户口簿) makes it theirs to bring.
    all_produced: Dict[str, bool] = {}
    for use in cb.materials:
        if use.item.id not in applicable or holds(use.applies, state.ctx) is not True:
            continue
        spec = use.use
        line = merged.get(spec.ref)
        if line is None:
            material = cb.material_defs[spec.ref]
            line = merged[spec.ref] = MaterialLine(
                material_id=material.id, name=material.name, kind=material.kind,
                copies=spec.copies, original=spec.original, status="required",
                covered_by=None, covered_by_name=None, produced_by=None, used_by=[],
            )
            if material.note:
                line.notes.append(material.note)
            all_defer[spec.ref] = all_commit[spec.ref] = all_produced[spec.ref] = True
        if use.item.id not in line.used_by:
            line.used_by.append(use.item.id)
        line.copies = max(line.copies, spec.copies)
        line.original = line.original or spec.original
        all_defer[spec.ref] = all_defer[spec.ref] and spec.deferrable
        all_commit[spec.ref] = all_commit[spec.ref] and spec.commitment
        if spec.produced_by in applicable:
            line.produced_by = line.produced_by or spec.produced_by
        else:
            all_produced[spec.ref] = False
        if spec.note and spec.note not in line.notes:
            line.notes.append(spec.note)
        if spec.holders and spec.holders not in line.holders:
            line.holders.append(spec.holders)

    facts = state.facts
    for ref, line in merged.items():
        material = cb.material_defs[ref]
        licence = material.e_licence
        if not all_produced[ref]:
            line.produced_by = None
        if line.produced_by:
            line.status = "produced"
        elif licence and facts.holds(licence):
            line.status = "exempt"
            line.covered_by = licence
            line.covered_by_name = cat.e_licences[licence].name
        elif material.shared_data:
            # 部门间共享: the department reads the data itself, whoever is asking.
            line.status = "exempt"
            line.covered_by_name = material.shared_data
        elif all_commit[ref]:
            line.status = "commitment"
        elif all_defer[ref]:
            line.status = "deferrable"
    return list(merged.values())


def _critical_path_days(cb: CompiledBundle, items: List[Item]) -> int:
    """Items run in parallel except where one needs what another produces (过程材料)."""
    by_id = {i.id: i for i in items}
    needs: Dict[str, set] = {i.id: set() for i in items}
    for item in items:
        for use in item.materials:
            if use.produced_by in by_id and use.produced_by != item.id:
                needs[item.id].add(use.produced_by)
    memo: Dict[str, int] = {}

    def finish(item_id: str) -> int:
        if item_id not in memo:
            memo[item_id] = by_id[item_id].time_limit.promised_days + max(
                (finish(n) for n in needs[item_id]), default=0
            )
        return memo[item_id]

    return max((finish(i.id) for i in items), default=0)


def _form(cat: Catalogue, cb: CompiledBundle, state: State, applicable: set) -> List[FieldLine]:
    required: Dict[str, bool] = {}
    order: List[str] = []
    for use in cb.fields:
        if use.item.id not in applicable or holds(use.applies, state.ctx) is not True:
            continue
        ref = use.use.ref
        if ref not in required:
            order.append(ref)
            required[ref] = False
        required[ref] = required[ref] or use.use.required
    return [_prefill(cat, cb, cb.field_defs[ref], required[ref], state) for ref in order]


def _prefill(cat: Catalogue, cb: CompiledBundle, definition: FormField, required: bool, state: State) -> FieldLine:
    value: Optional[str] = None
    source: Optional[str] = None
    detail: Optional[str] = None
    facts = state.facts
    for src in definition.sources:
        if src.identity:
            raw = facts.identity.get(src.identity)
            if raw:
                value, source, detail = _text(raw), "identity", src.identity
                break
        elif src.e_licence:
            raw = facts.licences.get(src.e_licence, {}).get(src.field)
            if raw:
                value, source, detail = _text(raw), "e_licence", src.e_licence
                break
        elif src.answer in state.known and src.answer in cb.by_id:
            raw = state.known[src.answer]
            if raw is not None:
                value = display_answer(cat, cb.by_id[src.answer].question, raw)
                source, detail = "answer", src.answer
                break
    if definition.type == "enum" and value in ("male", "female"):
        value = cat.label("gender", value)
    return FieldLine(
        field_id=definition.id, label=definition.label, type=definition.type, value=value,
        display=mask_value(definition.type, value), source=source, source_detail=detail,
        required=required, options=list(definition.options), hint=definition.hint,
    )


def mask_value(field_type: str, value: Optional[str]) -> Optional[str]:
    """What may be shown of a personal value: chats are read over shoulders and logged."""
    if not value:
        return value
    if field_type == "id_number":
        return mask_id_number(value)
    if field_type == "phone":
        return mask_phone(value)
    if field_type == "bank_account":
        return "*" * max(len(value) - 4, 0) + value[-4:]
    return value


def _text(raw: Any) -> str:
    return raw.isoformat() if isinstance(raw, date) else str(raw)


def display_answer(cat: Catalogue, question: Question, value: Any) -> str:
    """An answer as a person reads it: option labels, 是/否, dates, numbers with their unit."""
    if question.kind == "yesno":
        return cat.vocabulary.yes_label if value else cat.vocabulary.no_label
    if question.kind == "single":
        return next((o.label for o in question.options if o.value == value), str(value))
    if question.kind == "multi":
        labels = [o.label for o in question.options if o.value in (value or [])]
        return "、".join(labels) if labels else cat.label("answer", "none")
    if question.kind == "number":
        number = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{number}{question.unit or ''}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
