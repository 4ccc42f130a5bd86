"""One action per thing a person can do; each only names its conversation step."""

from __future__ import annotations

from actions.base import GuideAction
from bot.dialogue.controller import Conversation, Turn


class ActionRoute(GuideAction):
    """The person describes a need: route it to a bundle."""

    def name(self) -> str:
        return "action_route"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.need()


class ActionChooseBundle(GuideAction):
    """A bundle was picked: start its questionnaire."""

    def name(self) -> str:
        return "action_choose_bundle"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.choose()


class ActionReply(GuideAction):
    """An answer, yes/no or form value in the current context."""

    def name(self) -> str:
        return "action_reply"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.reply()


class ActionExplain(GuideAction):
    """Why this question: the rules' help text, then ask again."""

    def name(self) -> str:
        return "action_explain"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.why()


class ActionGoBack(GuideAction):
    """Undo the last answer and ask that question again."""

    def name(self) -> str:
        return "action_go_back"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.back()


class ActionChangeAnswer(GuideAction):
    """List the answers to change, or change the one chosen."""

    def name(self) -> str:
        return "action_change_answer"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.change()


class ActionStartOver(GuideAction):
    """Forget the bundle and the answers; keep who the person is."""

    def name(self) -> str:
        return "action_start_over"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.restart()


class ActionMaterials(GuideAction):
    """The materials notice so far, then resume."""

    def name(self) -> str:
        return "action_materials"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.materials()


class ActionHuman(GuideAction):
    """Hand the conversation to a human."""

    def name(self) -> str:
        return "action_human"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.human()


class ActionStatus(GuideAction):
    """Where an application is, from the application API."""

    def name(self) -> str:
        return "action_status"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.status()


class ActionRate(GuideAction):
    """好差评: a rating and an optional comment."""

    def name(self) -> str:
        return "action_rate"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.rate()


class ActionBrowse(GuideAction):
    """服务超市: the categories, then the bundles of one."""

    def name(self) -> str:
        return "action_browse"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.browse()


class ActionCorrectField(GuideAction):
    """Correct one value on the form."""

    def name(self) -> str:
        return "action_correct_field"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.correct_field()


class ActionResume(GuideAction):
    """Repeat what we were waiting for."""

    def name(self) -> str:
        return "action_resume"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.resume()


class ActionEmpty(GuideAction):
    """An empty message: say so kindly and resume."""

    def name(self) -> str:
        return "action_empty"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.empty()


class ActionSmalltalk(GuideAction):
    """Greetings, thanks, chit-chat and out-of-scope, then back to the pending step."""

    def name(self) -> str:
        return "action_smalltalk"

    async def step(self, conversation: Conversation) -> Turn:
        return await conversation.smalltalk()
