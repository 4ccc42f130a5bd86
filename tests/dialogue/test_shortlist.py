"""What a person is shown for the router's candidates: one bundle to confirm, or a short choice."""

from __future__ import annotations

from bot.dialogue.steps.routing import shortlist
from bot.engine.routing import Candidate


def candidates(*scores: float):
    return [Candidate(f"bundle_{n}", f"bundle {n}", score) for n, score in enumerate(scores)]


def shown(*scores: float):
    confirm, offered = shortlist(candidates(*scores))
    return confirm, [c.bundle_id for c in offered]


def test_a_clear_winner_is_confirmed() -> None:
    assert shown(0.9, 0.05, 0.02) == (True, ["bundle_0"])


def test_a_leader_without_a_plausible_rival_is_confirmed_rather_than_listed_beside_noise() -> None:
    assert shown(0.40, 0.055, 0.054) == (True, ["bundle_0"])


def test_close_candidates_are_offered_as_a_choice() -> None:
    assert shown(0.45, 0.35, 0.05) == (False, ["bundle_0", "bundle_1"])


def test_a_choice_never_holds_more_than_three() -> None:
    assert shown(0.25, 0.24, 0.23, 0.22) == (False, ["bundle_0", "bundle_1", "bundle_2"])


def test_a_high_score_with_a_close_runner_up_is_still_a_choice() -> None:
    assert shown(0.72, 0.25, 0.01)[0] is False
