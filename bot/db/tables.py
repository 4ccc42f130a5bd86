"""Every table of the bot's own database, in one place: what a newcomer reads to know the schema.

Times are epoch seconds (floats): one type on SQLite and PostgreSQL, cheap to compare for
leases and retention. JSON goes in Text columns, written by the owning module."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_ID = BigInteger().with_variant(Integer(), "sqlite")

# One row per conversation: where it stands, who holds it for the current turn.
conversations = Table(
    "conversations",
    metadata,
    Column("conversation_id", String(128), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("mode", String(16), nullable=False),  # bot | waiting | agent
    Column("state", Text, nullable=False),  # ConversationState as JSON
    Column("offered", Text, nullable=False),  # the choices last shown, as JSON
    Column("turn", Integer, nullable=False),  # person messages answered so far
    # One turn at a time, across processes: a lease that a killed process loses by itself.
    Column("lease_owner", String(64)),
    Column("lease_until", Float),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("conversations_updated", "updated_at"),
    Index("conversations_mode", "mode", "updated_at"),
)

# Every message in and out, in order. `pushed` marks what reached the person outside a reply
# (an application delivered later, an agent's words): the web widget streams those rows.
transcript = Table(
    "transcript",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("conversation_id", String(128), nullable=False),
    Column("turn", Integer, nullable=False),
    Column("at", Float, nullable=False),
    Column("speaker", String(8), nullable=False),  # person | bot | agent | system
    Column("channel", String(16), nullable=False),
    Column("pushed", Boolean, nullable=False, default=False),
    Column("text", Text),
    Column("data", Text),  # JSON: buttons and the contract's custom object
    Index("transcript_conversation", "conversation_id", "id"),
)

# Applications written before the first attempt to send them (bot/handoff/outbox.py).
outbox = Table(
    "outbox",
    metadata,
    Column("idempotency_key", String(128), primary_key=True),
    Column("provisional_ref", String(32), nullable=False, unique=True),
    Column("conversation_id", String(128)),
    Column("bundle_id", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("state", String(16), nullable=False),  # pending | delivered | rejected
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("lease_owner", String(64)),
    Column("lease_until", Float),
    Column("last_error", Text),
    Column("application_id", String(64)),
    Column("receipt_no", String(32)),
    Column("result", Text),
    Column("notified", Boolean, nullable=False, default=False),  # the person was told of delivery
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("outbox_due", "state", "next_attempt_at"),
    Index("outbox_receipt", "receipt_no"),
    Index("outbox_application", "application_id"),
)

# 好差评 after a hand-off (bot/ratings.py).
ratings = Table(
    "ratings",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("conversation_id", String(128)),
    Column("bundle_id", String(64)),
    Column("receipt_no", String(32)),
    Column("stars", Integer),
    Column("comment", Text),
)
