"""The bot's own SQL database: conversations, transcript, outbox, ratings, the agent desk (SQLAlchemy Core)."""

from bot.db.database import Database, DatabaseUnavailable, open_database
from bot.db.engine import make_engine

__all__ = ["Database", "DatabaseUnavailable", "make_engine", "open_database"]
