"""Thin Rasa custom actions: translate between the tracker and bot.dialogue, nothing more."""
