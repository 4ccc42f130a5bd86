"""The guidance engine: questionnaire, interpretation, outcome, explanation and routing."""

from bot.catalogue.catalogue import UnknownBundle
from bot.catalogue.values import UNKNOWN, InvalidAnswer
from bot.engine.engine import AnswerView, Engine
from bot.engine.facts import Facts, anonymous, facts_from_profile
from bot.engine.interpret import NotUnderstood, Understood
from bot.engine.outcome import Outcome
from bot.engine.questionnaire import Progress, Step, UnknownQuestion
from bot.engine.reading import Reading
from bot.engine.routing import Candidate

__all__ = [
    "AnswerView", "Candidate", "Engine", "Facts", "InvalidAnswer", "NotUnderstood", "Outcome",
    "Progress", "Reading", "Step", "UNKNOWN", "UnknownBundle", "UnknownQuestion", "Understood", "anonymous",
    "facts_from_profile",
]
