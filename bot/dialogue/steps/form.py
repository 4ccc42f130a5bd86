"""After the questionnaire (stages filling, reviewing): summary, the one-time notice, the unified
form filled and reviewed, corrections of single fields."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from bot.catalogue.model import FormField
from bot.dialogue.application import APPLICANT_FIELDS
from bot.dialogue.context import Context
from bot.dialogue.field_input import read_field
from bot.dialogue.messages import bundle_custom, button, form_custom, materials_custom
from bot.dialogue.stage import Stage
from bot.dialogue.steps import consent
from bot.engine.facts import Facts
from bot.engine.outcome import FieldLine, Outcome, mask_value
from bot.engine.wording import copies_label, material_name, places_line, trips_label


async def present(ctx: Context) -> None:
    """The questionnaire is done: what to do, what to bring, and the form as far as we know it."""
    outcome = await ctx.outcome()
    _say_summary(ctx, outcome)
    say_materials(ctx, outcome)
    lines = await form_lines(ctx)
    params = _form_params(ctx, lines)
    ctx.say(
        "form_intro" if params["prefilled"] else "form_intro_unfilled",  # "已预填" only when something was
        params=params,
        custom=form_custom(ctx.cat, outcome.bundle_id, _display_lines(ctx, lines), outcome.prefill_ratio),
        text=None,
    )
    _next_missing_or_review(ctx, lines)


def _say_summary(ctx: Context, outcome: Outcome) -> None:
    fmt = ctx.format("item_line")
    lines = "\n".join(
        fmt.format(
            index=n,
            name=i.name,
            department=i.department_name,
            mode=ctx.cat.label("handling_mode", i.handling_mode),
            days=i.promised_days,
        )
        for n, i in enumerate(outcome.items, 1)
    )
    s = outcome.summary
    ctx.say(
        "bundle_summary",
        custom=bundle_custom(ctx.cat, outcome),
        params={
            "bundle_name": outcome.bundle_name,
            "count": len(outcome.items),
            "items": lines,
            "mode": ctx.cat.label("handling_mode", s.handling_mode),
            "trips": trips_label(ctx.cat, s.trips),
            "days": s.time_limit_days,
            "places": ("\n" + places_line(ctx.cat, s.sites)) if s.sites else "",
        },
    )


def say_materials(ctx: Context, outcome: Outcome) -> None:
    names = {i.item_id: i.name for i in outcome.items}
    fmt = ctx.format("material_line")
    out = []
    for n, m in enumerate(outcome.materials, 1):
        note = ""
        if m.status == "exempt":
            note = ctx.format("material_exempt").format(licence=m.covered_by_name)
        elif m.status == "produced":
            note = ctx.format("material_produced").format(item=names.get(m.produced_by or "", ""))
        elif m.status in ("deferrable", "commitment"):
            note = ctx.format(f"material_{m.status}")
        copies = copies_label(ctx.cat, m) if m.status in ("required", "deferrable", "commitment") else ""
        out.append(fmt.format(index=n, name=material_name(ctx.cat, m), copies=copies, note=note))
    s = outcome.summary
    depends = ctx.engine.unknown_notes(outcome.bundle_id, outcome)  # for answers of "不知道"
    if depends:
        out.append(ctx.format("depends_heading"))
        out.extend(depends)
    ctx.say(
        "materials_notice",
        custom=materials_custom(ctx.cat, outcome, depends),
        params={
            "bundle_name": outcome.bundle_name,
            "before": s.before,
            "after": s.after,
            "exempt": s.exempt,
            "produced": s.produced,
            "materials": "\n".join(out),
        },
    )


def with_applicant_fields(ctx: Context, lines: List[FieldLine], facts: Facts) -> List[FieldLine]:
    """Every application names who applies; a bundle's form that lacks those fields gets them."""
    present_ids = {line.field_id for line in lines}
    extra = []
    for field_id in APPLICANT_FIELDS:
        if field_id not in present_ids and field_id in ctx.cat.fields:
            definition = ctx.cat.fields[field_id]
            value, source = _identity_value(definition, facts)
            extra.append(FieldLine(field_id, definition.label, definition.type, value,
                                   mask_value(definition.type, value), source, None, True,
                                   list(definition.options), definition.hint))
    return extra + lines


def _identity_value(definition: FormField, facts: Facts) -> Tuple[Optional[str], Optional[str]]:
    for src in definition.sources:
        if src.identity and facts.identity.get(src.identity):
            return str(facts.identity[src.identity]), "identity"
    return None, None


async def form_lines(ctx: Context) -> List[FieldLine]:
    """The unified form's lines as prefilled (what the person typed is laid over at display)."""
    outcome = await ctx.outcome()
    return with_applicant_fields(ctx, outcome.fields, await ctx.facts())


def _display_lines(ctx: Context, lines: List[FieldLine]) -> List[FieldLine]:
    shown = []
    for line in lines:
        typed = ctx.state.form.get(line.field_id)
        if typed:
            line = FieldLine(line.field_id, line.label, line.type, typed, mask_value(line.type, typed), "applicant",
                             None, line.required, line.options, line.hint)
        shown.append(line)
    return shown


def _form_params(ctx: Context, lines: List[FieldLine]) -> Dict[str, Any]:
    shown = _display_lines(ctx, lines)
    fmt, src_fmt, missing = ctx.format("field_line"), ctx.format("field_source"), ctx.format("field_missing")
    text = "\n".join(
        fmt.format(
            label=f.label,
            value=f.display or missing,
            source=src_fmt.format(source=ctx.cat.label("source", f.source)) if f.source else "",
        )
        for f in shown
    )
    filled = sum(1 for f in shown if f.source and f.source != "applicant")
    return {"fields": text, "prefilled": filled, "total": len(shown)}


def _missing(ctx: Context, lines: List[FieldLine]) -> List[str]:
    typed = ctx.state.form
    return [line.field_id for line in lines if line.required and not line.value and not typed.get(line.field_id)]


def _next_missing_or_review(ctx: Context, lines: List[FieldLine]) -> None:
    missing = _missing(ctx, lines)
    if missing:
        ask_field(ctx, missing[0])
        return
    ctx.state.stage, ctx.state.pending_field = Stage.REVIEWING, None
    review_prompt(ctx)


def ask_field(ctx: Context, field_id: str, correcting: bool = False) -> None:
    definition = ctx.cat.fields[field_id]
    ctx.state.stage, ctx.state.pending_field = Stage.FILLING, field_id
    ctx.say(
        "ask_field_correct" if correcting else "ask_field",
        params={"label": definition.label, "hint": definition.hint or ""},
        buttons=[button(o, "correct_field", field_id=field_id, value=o) for o in definition.options],
    )


async def repeat(ctx: Context) -> None:
    """Back to the pending field, or the review question, after a detour."""
    if ctx.state.stage is Stage.FILLING and ctx.state.pending_field in ctx.cat.fields:
        ask_field(ctx, ctx.state.pending_field)
    else:
        review_prompt(ctx)


async def take_value(ctx: Context) -> None:
    """Whatever is typed while a field is asked is that field's value, checked by its type."""
    state = ctx.state
    field_id = state.pending_field
    if not field_id or field_id not in ctx.cat.fields:
        await review(ctx)
        return
    definition = ctx.cat.fields[field_id]
    given = ctx.msg.entity("value")
    text = str(given) if given is not None and ctx.msg.entity("field_id") == field_id else ctx.text
    value = read_field(definition, text, ctx.msg.entities, ctx.today)
    if value.value is None:
        ctx.say("field_invalid", params={
            "label": definition.label,
            "problem": ctx.cat.label("field_problem", value.problem or "pattern"),
        })
        ask_field(ctx, field_id)
        return
    state.form[field_id] = value.value
    state.pending_field = None
    missing = _missing(ctx, await form_lines(ctx))
    if missing:
        ask_field(ctx, missing[0])
        return
    await review(ctx)


async def review(ctx: Context) -> None:
    lines = await form_lines(ctx)
    missing = _missing(ctx, lines)
    if missing:
        ask_field(ctx, missing[0])
        return
    outcome = await ctx.outcome()
    ctx.state.stage, ctx.state.pending_field = Stage.REVIEWING, None
    ctx.say(
        "form_review",
        params=_form_params(ctx, lines),
        custom=form_custom(ctx.cat, outcome.bundle_id, _display_lines(ctx, lines), outcome.prefill_ratio),
    )
    review_prompt(ctx)


def review_prompt(ctx: Context) -> None:
    ctx.say("confirm_form", buttons=[button(ctx.label("form_ok"), "affirm"), button(ctx.label("form_change"), "deny")])


async def reply_reviewing(ctx: Context) -> None:
    field_id = ctx.msg.entity("field_id")
    if field_id:
        ask_field(ctx, str(field_id), correcting=True)
        return
    yes = ctx.yes_no()
    if yes is True:
        await consent.ask(ctx)
    elif yes is False:
        offer_corrections(ctx)
    else:
        await correct_field(ctx)


def offer_corrections(ctx: Context) -> None:
    fields = []
    if ctx.state.bundle_id:
        cb = ctx.engine.compiled(ctx.state.bundle_id)
        seen = set()
        for field_id in list(APPLICANT_FIELDS) + [u.use.ref for u in cb.fields]:
            if field_id in ctx.cat.fields and field_id not in seen:
                seen.add(field_id)
                fields.append(field_id)
    ctx.state.stage = Stage.REVIEWING
    ctx.say("which_field", buttons=[button(ctx.cat.fields[f].label, "correct_field", field_id=f) for f in fields[:12]])


def _field_named(ctx: Context, lines: List[FieldLine]) -> Optional[str]:
    text = ctx.text
    best, best_len = None, 0
    for line in lines:
        for name in (line.label, line.label.replace("申请人", "")):
            if name and name in text and len(name) > best_len:
                best, best_len = line.field_id, len(name)
    if best:
        return best
    for kind, words in ctx.cat.vocabulary.labels.get("field_type_words", {}).items():
        if any(w in text for w in words.split("|")):
            return next((line.field_id for line in lines if line.type == kind), None)
    return None


async def correct_field(ctx: Context) -> None:
    """"电话写错了，应该是138…": find the field by its label or type, take the value if given."""
    state = ctx.state
    lines = await form_lines(ctx)
    given_field = ctx.msg.entity("field_id")
    named = None if given_field else _field_named(ctx, lines)
    if state.stage is Stage.FILLING and (given_field or named or state.pending_field) == state.pending_field:
        # "历下区泉城路1号" while the address is asked for is the address, whatever the NLU says.
        await take_value(ctx)
        return
    target = given_field or named
    if not target or target not in ctx.cat.fields:
        offer_corrections(ctx)
        return
    definition = ctx.cat.fields[target]
    given = ctx.msg.entity("value")
    text = str(given) if given is not None else ctx.text
    value = read_field(definition, text, ctx.msg.entities, ctx.today)
    if value.value is not None and value.value not in definition.label:
        state.form[target] = value.value
        await review(ctx)
        return
    ask_field(ctx, target, correcting=True)


async def no_form_yet(ctx: Context) -> None:
    if consent.submitted(ctx):
        consent.already_submitted(ctx)
    else:
        ctx.say("no_form_yet")
