"""Finding the bundle: confirm a clear winner, offer a short choice, or the catalogue."""

from __future__ import annotations

from typing import List, Optional, Tuple

from bot.dialogue.base import ConversationBase
from bot.dialogue.messages import bundle_choice_custom, button
from bot.dialogue.turn import Turn
from bot.engine.routing import Candidate
from bot.text.numbers import find_number

# Routing: one clear winner is confirmed; otherwise the plausible ones (at most three) are
# offered. Scores are the router's evidence shares; a 0.55 lead is right >99% of the time on
# held-out utterances (see bench/routing.py). A candidate under a fifth of the leader's share
# never held the right bundle there: listing it beside the leader only reads as noise
# ("新生儿" next to "军人退役"), and a leader left alone is confirmed instead.
CONFIDENT_SCORE = 0.70
CLEAR_MARGIN = 0.55
CHOICE_MIN_SCORE = 0.04
CHOICE_MIN_SHARE_OF_TOP = 0.2


def shortlist(candidates: List[Candidate]) -> Tuple[bool, List[Candidate]]:
    """What a person is shown for the router's candidates (best first, at least one):
    (True, [leader]) to confirm one bundle, or (False, the plausible ones) to choose from."""
    top = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    close = [c for c in candidates[:3] if c.score >= max(CHOICE_MIN_SCORE, CHOICE_MIN_SHARE_OF_TOP * top.score)]
    if (top.score >= CONFIDENT_SCORE and top.score - runner_up >= CLEAR_MARGIN) or len(close) <= 1:
        return True, [top]
    return False, close


class RoutingSteps(ConversationBase):
    async def _route(self, text: str) -> Turn:
        text = (text or "").strip()
        if not text or text.startswith("/"):
            return self.turn.say("ask_need")
        candidates = self.engine.route(text, 3)
        if not candidates:
            return self._offer_browse("no_route", human=True)
        self.state.need_text = text
        confirm, close = shortlist(candidates)
        if confirm:
            top = close[0]
            self.state.stage, self.state.candidates = "confirming", [top.bundle_id]
            bundle = self.cat.bundle(top.bundle_id)
            return self.turn.say(
                "confirm_bundle",
                params={"bundle_name": bundle.name, "description": bundle.description},
                buttons=[
                    button(self._label("confirm_yes"), "choose_bundle", bundle_id=top.bundle_id),
                    button(self._label("confirm_no"), "deny"),
                ],
                custom=bundle_choice_custom([top]),
            )
        self.state.stage, self.state.candidates = "choosing", [c.bundle_id for c in close]
        return self._offer_candidates(close)

    def _offer_candidates(self, candidates: List[Candidate]) -> Turn:
        return self.turn.say(
            "bundle_choice",
            buttons=[button(c.name, "choose_bundle", bundle_id=c.bundle_id) for c in candidates]
            + [button(self._label("none_of_these"), "ask_browse")],
            custom=bundle_choice_custom(candidates),
        )

    def _candidate(self, bundle_id: str) -> Candidate:
        return Candidate(bundle_id, self.cat.bundle(bundle_id).name, 0.0)

    def _pick_candidate(self, text: str) -> Optional[str]:
        candidates = self.state.candidates
        if not candidates or not text:
            return None
        found = find_number(text)
        if found and 1 <= found.value <= len(candidates) and len(text) <= 6:
            return candidates[int(found.value) - 1]
        hits = [
            b
            for b in candidates
            if any(name and name in text for name in (self.cat.bundle(b).name, self.cat.bundle(b).short_name))
        ]
        return hits[0] if len(hits) == 1 else None

    def _offer_browse(self, response: Optional[str], human: bool = False) -> Turn:
        buttons = [
            button(c.name, "ask_browse", category_id=c.id)
            for c in self.cat.categories.values()
            if any(b.category == c.id for b in self.cat.summaries.values())
        ]
        if human:
            buttons.append(button(self._label("human"), "ask_human"))
        return self.turn.say(response or "browse", buttons=buttons)

    async def _misread_need(self) -> Optional[Turn]:
        """With no questionnaire under way, an intent that needs one ("办残疾证为什么要体检",
        "开饭馆要带啥") is most likely a need the NLU misread: route it."""
        text = self.msg.text or ""
        if self.state.stage not in ("idle", "choosing", "confirming") or text.startswith("/"):
            return None
        candidates = self.engine.route(text, 1)
        if not candidates or (self.state.bundle_id and candidates[0].score < CONFIDENT_SCORE):
            return None
        return await self._route(text)

    def _route_elsewhere(self) -> bool:
        """A clear need for another bundle in the middle of a questionnaire: offer the switch."""
        candidates = self.engine.route(self.msg.text, 3)
        if not candidates or candidates[0].bundle_id == self.state.bundle_id or candidates[0].score < CONFIDENT_SCORE:
            return False
        current = self.cat.bundle(self.state.bundle_id)
        self.turn.say(
            "switch_bundle",
            params={"bundle_name": candidates[0].name, "current": current.name},
            buttons=[button(c.name, "choose_bundle", bundle_id=c.bundle_id) for c in candidates[:2]]
            + [button(self._label("continue_current").format(name=current.short_name or current.name), "resume")],
            custom=bundle_choice_custom(candidates[:2]),
        )
        return True

    async def browse(self) -> Turn:
        expected = await self._expected_reply()
        if expected is not None:
            return expected
        category_id = self.msg.entity("category_id")
        if category_id:
            bundles = [b for b in self.cat.summaries.values() if b.category == category_id]
            if bundles:
                candidates = [Candidate(b.id, b.name, 0.0) for b in bundles]
                self.state.stage, self.state.candidates = "choosing", [b.id for b in bundles]
                category = self.cat.categories[category_id]
                return self.turn.say(
                    "browse_category",
                    params={"category": category.name},
                    buttons=[button(b.name, "choose_bundle", bundle_id=b.id) for b in bundles],
                    custom=bundle_choice_custom(candidates),
                )
        return self._offer_browse("browse")
