"""After the questionnaire: summary, one-time notice, the unified form filled and reviewed."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.catalogue.model import FormField
from bot.dialogue.application import APPLICANT_FIELDS
from bot.dialogue.base import ConversationBase
from bot.dialogue.field_input import read_field
from bot.dialogue.messages import bundle_custom, button, form_custom, materials_custom
from bot.dialogue.turn import Turn
from bot.engine.outcome import FieldLine, Outcome, mask_value


class FormSteps(ConversationBase):
    async def _finish_questionnaire(self) -> Turn:
        outcome = await self._outcome()
        self._say_summary(outcome)
        self._say_materials(outcome)
        lines = self._with_applicant_fields(outcome.fields)
        self.turn.say(
            "form_intro",
            params=self._form_params(lines),
            custom=form_custom(self.cat, outcome.bundle_id, self._display_lines(lines), outcome.prefill_ratio),
            text=None,
        )
        return self._next_missing_or_review(lines)

    def _say_summary(self, outcome: Outcome) -> None:
        fmt = self._format("item_line")
        lines = "\n".join(
            fmt.format(
                index=n,
                name=i.name,
                department=i.department_name,
                mode=self.cat.label("handling_mode", i.handling_mode),
                days=i.promised_days,
            )
            for n, i in enumerate(outcome.items, 1)
        )
        s = outcome.summary
        self.turn.say(
            "bundle_summary",
            custom=bundle_custom(self.cat, outcome),
            params={
                "bundle_name": outcome.bundle_name,
                "count": len(outcome.items),
                "items": lines,
                "mode": self.cat.label("handling_mode", s.handling_mode),
                "trips": self.cat.label("trips", str(s.trips)),
                "days": s.time_limit_days,
            },
        )

    def _say_materials(self, outcome: Outcome) -> None:
        names = {i.item_id: i.name for i in outcome.items}
        fmt = self._format("material_line")
        out = []
        for n, m in enumerate(outcome.materials, 1):
            note = ""
            if m.status == "exempt":
                note = self._format("material_exempt").format(licence=m.covered_by_name)
            elif m.status == "produced":
                note = self._format("material_produced").format(item=names.get(m.produced_by or "", ""))
            elif m.status in ("deferrable", "commitment"):
                note = self._format(f"material_{m.status}")
            out.append(
                fmt.format(
                    index=n,
                    name=m.name,
                    copies=m.copies,
                    note=note,
                    form=self.cat.label("original", str(m.original).lower()),
                )
            )
        s = outcome.summary
        self.turn.say(
            "materials_notice",
            custom=materials_custom(self.cat, outcome),
            params={
                "bundle_name": outcome.bundle_name,
                "before": s.before,
                "after": s.after,
                "exempt": s.exempt,
                "produced": s.produced,
                "materials": "\n".join(out),
            },
        )

    def _with_applicant_fields(self, lines: List[FieldLine]) -> List[FieldLine]:
        present = {line.field_id for line in lines}
        extra = []
        for field_id in APPLICANT_FIELDS:
            if field_id not in present and field_id in self.cat.fields:
                definition = self.cat.fields[field_id]
                value, source = self._identity_value(definition)
                extra.append(
                    FieldLine(
                        field_id,
                        definition.label,
                        definition.type,
                        value,
                        mask_value(definition.type, value),
                        source,
                        None,
                        True,
                        list(definition.options),
                        definition.hint,
                    )
                )
        return extra + lines

    def _identity_value(self, definition: FormField):
        facts = self._facts
        for src in definition.sources:
            if src.identity and facts is not None and facts.identity.get(src.identity):
                return str(facts.identity[src.identity]), "identity"
        return None, None

    async def _form_lines(self) -> List[FieldLine]:
        outcome = await self._outcome()
        return self._with_applicant_fields(outcome.fields)

    def _display_lines(self, lines: List[FieldLine]) -> List[FieldLine]:
        shown = []
        for line in lines:
            typed = self.state.form.get(line.field_id)
            if typed:
                line = FieldLine(
                    line.field_id,
                    line.label,
                    line.type,
                    typed,
                    mask_value(line.type, typed),
                    "applicant",
                    None,
                    line.required,
                    line.options,
                    line.hint,
                )
            shown.append(line)
        return shown

    def _form_params(self, lines: List[FieldLine]) -> Dict[str, Any]:
        shown = self._display_lines(lines)
        fmt, src_fmt, missing = self._format("field_line"), self._format("field_source"), self._format("field_missing")
        text = "\n".join(
            fmt.format(
                label=f.label,
                value=f.display or missing,
                source=src_fmt.format(source=self.cat.label("source", f.source)) if f.source else "",
            )
            for f in shown
        )
        filled = sum(1 for f in shown if f.source and f.source != "applicant")
        return {"fields": text, "prefilled": filled, "total": len(shown)}

    def _missing(self, lines: List[FieldLine]) -> List[str]:
        return [
            line.field_id
            for line in lines
            if line.required and not line.value and not self.state.form.get(line.field_id)
        ]

    def _next_missing_or_review(self, lines: List[FieldLine]) -> Turn:
        missing = self._missing(lines)
        if missing:
            return self._ask_field(missing[0])
        self.state.stage, self.state.pending_field = "reviewing", None
        return self._review_prompt()

    def _ask_field(self, field_id: str, correcting: bool = False) -> Turn:
        definition = self.cat.fields[field_id]
        self.state.stage, self.state.pending_field = "filling", field_id
        buttons = [button(o, "correct_field", field_id=field_id, value=o) for o in definition.options]
        self.turn.say(
            "ask_field_correct" if correcting else "ask_field",
            params={"label": definition.label, "hint": definition.hint or ""},
            buttons=buttons,
        )
        return self.turn

    async def _fill_field(self) -> Turn:
        state = self.state
        field_id = state.pending_field
        if not field_id or field_id not in self.cat.fields:
            return await self._review()
        definition = self.cat.fields[field_id]
        given = self.msg.entity("value")
        text = str(given) if given is not None and self.msg.entity("field_id") == field_id else self.msg.text
        value = read_field(definition, text, self.msg.entities, self.today)
        if value.value is None:
            self.turn.say(
                "field_invalid",
                params={
                    "label": definition.label,
                    "problem": self.cat.label("field_problem", value.problem or "pattern"),
                },
            )
            return self._ask_field(field_id)
        state.form[field_id] = value.value
        state.pending_field = None
        lines = await self._form_lines()
        missing = self._missing(lines)
        if missing:
            return self._ask_field(missing[0])
        return await self._review()

    async def _review(self) -> Turn:
        lines = await self._form_lines()
        missing = self._missing(lines)
        if missing:
            return self._ask_field(missing[0])
        outcome = await self._outcome()
        self.state.stage, self.state.pending_field = "reviewing", None
        self.turn.say(
            "form_review",
            params=self._form_params(lines),
            custom=form_custom(self.cat, outcome.bundle_id, self._display_lines(lines), outcome.prefill_ratio),
        )
        return self._review_prompt()

    def _review_prompt(self) -> Turn:
        return self.turn.say(
            "confirm_form",
            buttons=[button(self._label("form_ok"), "affirm"), button(self._label("form_change"), "deny")],
        )

    def _offer_corrections(self) -> Turn:
        fields = []
        if self.state.bundle_id:
            cb = self.engine.compiled(self.state.bundle_id)
            seen = set()
            for field_id in list(APPLICANT_FIELDS) + [u.use.ref for u in cb.fields]:
                if field_id in self.cat.fields and field_id not in seen:
                    seen.add(field_id)
                    fields.append(field_id)
        self.state.stage = "reviewing"
        return self.turn.say(
            "which_field", buttons=[button(self.cat.fields[f].label, "correct_field", field_id=f) for f in fields[:12]]
        )

    def _field_named(self, text: str, lines: List[FieldLine]) -> Optional[str]:
        text = text or ""
        best, best_len = None, 0
        for line in lines:
            for name in (line.label, line.label.replace("申请人", "")):
                if name and name in text and len(name) > best_len:
                    best, best_len = line.field_id, len(name)
        if best:
            return best
        for kind, words in self.cat.vocabulary.labels.get("field_type_words", {}).items():
            if any(w in text for w in words.split("|")):
                return next((line.field_id for line in lines if line.type == kind), None)
        return None

    async def correct_field(self) -> Turn:
        """ "电话写错了，应该是138…": find the field by its label or type, take the value if given."""
        state = self.state
        if state.stage not in ("filling", "reviewing", "consent"):
            if state.stage == "asking":
                return await self.reply()
            return self.turn.say("no_form_yet")
        lines = await self._form_lines()
        given_field = self.msg.entity("field_id")
        named = None if given_field else self._field_named(self.msg.text, lines)
        if state.stage == "filling" and (given_field or named or state.pending_field) == state.pending_field:
            # "历下区泉城路1号" while the address is asked for is the address, whatever the NLU says.
            return await self._fill_field()
        target = given_field or named
        if not target or target not in self.cat.fields:
            return self._offer_corrections()
        definition = self.cat.fields[target]
        given = self.msg.entity("value")
        text = str(given) if given is not None else self.msg.text
        value = read_field(definition, text, self.msg.entities, self.today)
        if value.value is not None and value.value not in definition.label:
            state.form[target] = value.value
            return await self._review()
        return self._ask_field(target, correcting=True)
