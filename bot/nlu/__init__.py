"""Rasa NLU graph components of our own."""
