"""Tests of the SMS gateway adapter and its local stand-in (bot/sms)."""
