"""Rasa's tracker store for this bot: Rasa carries turns; the conversation lives in bot/dialogue."""
