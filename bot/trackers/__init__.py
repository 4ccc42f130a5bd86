"""Conversation storage for the Rasa server."""
