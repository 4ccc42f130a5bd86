"""Tests of the agent desk (bot/desk)."""
