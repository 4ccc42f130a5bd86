"""Where a conversation stands (Stage) and who is answering it (Mode)."""

from __future__ import annotations

from enum import Enum


class Stage(str, Enum):
    """idle → (choosing | confirming) → asking → filling → reviewing → consent → rating → comment → idle"""

    IDLE = "idle"  # nothing under way: a message is most likely a need
    CHOOSING = "choosing"  # a short list of bundles was offered
    CONFIRMING = "confirming"  # one bundle was offered for a yes or no
    ASKING = "asking"  # a questionnaire question is pending
    FILLING = "filling"  # a form field's value is awaited
    REVIEWING = "reviewing"  # the filled form is shown for a check
    CONSENT = "consent"  # waiting for the consent to submit
    RATING = "rating"  # the receipt was given; a rating is invited
    COMMENT = "comment"  # rated; a comment is invited


class Mode(str, Enum):
    BOT = "bot"  # the bot answers
    WAITING = "waiting"  # the person asked for a human and waits for one
    AGENT = "agent"  # a staff member holds the conversation; the bot is silent
