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
    # The last message answered and the answer, sealed: a message sent again (a retry after a
    # reset connection) gets the same answer and changes nothing.
    Column("last_message_id", String(64)),
    Column("last_reply", Text),
    # One turn at a time, across processes: a lease that a killed process loses by itself.
    Column("lease_owner", String(64)),
    Column("lease_until", Float),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # Past retention: state emptied, transcript texts gone; only counts and times remain.
    Column("anonymised", Boolean, nullable=False, default=False),
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
    # A keyed fingerprint of the applicant's ID number: the same person filing the same bundle
    # twice in a day is warned (bot/dialogue/steps/consent.py).
    Column("applicant_key", String(32)),
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
    Index("outbox_applicant", "applicant_key", "bundle_id", "created_at"),
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

# --- WeChat customer-service messages (bot/wechat) -------------------------------------------

# Who is behind a WeChat conversation. The conversation id is an HMAC of the openid; the openid
# itself is kept only here, sealed (bot/sealing.py), for the send API. `send_lease_*` lets one
# process at a time send a conversation's replies, in order.
wechat_users = Table(
    "wechat_users",
    metadata,
    Column("conversation_id", String(128), primary_key=True),
    Column("openid", Text, nullable=False),  # sealed
    Column("created_at", Float, nullable=False),
    Column("last_inbound_at", Float),  # the person's last message or entry into the session
    Column("greeted_at", Float),
    # `session-from` of the mini-program's contact button when the person last entered the chat
    # (the mini-program puts its conversation id there: the agents' desk links the two).
    Column("session_from", String(128)),
    Column("send_lease_owner", String(64)),
    Column("send_lease_until", Float),
)

# The sign-in hook: a person signed in to the mini-program (its login, bot/wechat/identity.py)
# gets the identity token the web widget would send, so prefill and 免提交 work on WeChat too.
wechat_identities = Table(
    "wechat_identities",
    metadata,
    Column("conversation_id", String(128), primary_key=True),
    Column("identity_token", Text, nullable=False),  # sealed
    Column("expires_at", Float),
    Column("updated_at", Float, nullable=False),
)

# Pushes already taken: WeChat retries a push it got no answer to (MsgId, or sender + time for
# events); every process checks here before it handles one.
wechat_pushes = Table(
    "wechat_pushes",
    metadata,
    Column("push_key", String(200), primary_key=True),
    Column("received_at", Float, nullable=False),
    Index("wechat_pushes_received", "received_at"),
)

# Replies written before they are sent through the send API, sent in order per conversation and
# retried until WeChat takes them (bot/wechat/outbox.py).
wechat_sends = Table(
    "wechat_sends",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("conversation_id", String(128), nullable=False),
    Column("body", Text, nullable=False),  # the send API's message without `touser`, JSON, sealed
    Column("state", String(16), nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text),
    Column("created_at", Float, nullable=False),
    Column("sent_at", Float),
    Index("wechat_sends_due", "state", "next_attempt_at"),
    Index("wechat_sends_conversation", "conversation_id", "id"),
)

# The one access token of the app, shared by every process: whoever holds the refresh lease
# fetches a new one; the others use the stored one (bot/wechat/tokens.py).
wechat_tokens = Table(
    "wechat_tokens",
    metadata,
    Column("appid", String(64), primary_key=True),
    Column("access_token", Text),
    Column("expires_at", Float, nullable=False),
    Column("fetched_at", Float),
    Column("lease_owner", String(64)),
    Column("lease_until", Float),
)

# -- the agent desk (bot/desk) and SMS (bot/sms) ----------------------------------------------

# Staff of the 12345 hotline and 帮办代办 desks: agents and supervisors (bot/desk/accounts.py).
staff = Table(
    "staff",
    metadata,
    Column("staff_id", String(16), primary_key=True),  # 工号, shown to citizens ("0231 号")
    Column("login", String(64), nullable=False, unique=True),
    Column("name", String(64), nullable=False),
    Column("role", String(16), nullable=False),  # agent | supervisor
    Column("password_hash", Text, nullable=False),  # argon2id
    Column("capacity", Integer, nullable=False),  # conversations held at once
    Column("presence", String(8), nullable=False),  # online | away | offline
    Column("last_seen", Float),  # the desk page's last poll: a closed tab goes stale
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Float),
    Column("demo", Boolean, nullable=False, default=False),  # the embedded profile's demo agent
    Column("created_at", Float, nullable=False),
)

# Desk sign-ins: the cookie holds a random token, the table only its SHA-256.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_id", String(16), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Index("staff_sessions_staff", "staff_id"),
)

# Every staff action, and every unmasked value a staff member saw (bot/desk/audit.py).
desk_audit = Table(
    "desk_audit",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("staff_id", String(16)),
    Column("action", String(32), nullable=False),
    Column("conversation_id", String(128)),
    Column("detail", Text),  # JSON, personal data masked
    Index("desk_audit_at", "at"),
)

# One row per request for a human (转人工) or guided phone session (bot/desk/queue.py). At most
# one row of a conversation is open (waiting | taken); rows change only under the conversation's
# turn lease, so the row and the conversation's mode agree.
desk_handoffs = Table(
    "desk_handoffs",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("conversation_id", String(128), nullable=False),
    Column("kind", String(8), nullable=False),  # citizen | guided
    Column("channel", String(16), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("state", String(12), nullable=False),  # waiting | taken | returned | cancelled | closed
    Column("requested_at", Float, nullable=False),  # FIFO order; kept when an agent is lost
    Column("taken_at", Float),
    Column("first_taken_at", Float),  # for "answered within 15 s"
    Column("ended_at", Float),
    Column("agent_id", String(16)),
    Column("citizen_seen_at", Float),  # the person's widget last had its stream open
    Column("told_nobody_at", Float),  # the person waiting was told that nobody is online any more
    Column("caller_phone", String(32)),  # guided sessions: the caller's number, for SMS
    Column("caller_name", String(64)),  # as given on the phone
    Index("desk_handoffs_state", "state", "requested_at"),
    Index("desk_handoffs_conversation", "conversation_id", "id"),
)

# Private notes of staff on a conversation or a 工单 (never shown to the citizen).
desk_notes = Table(
    "desk_notes",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("staff_id", String(16), nullable=False),
    Column("conversation_id", String(128)),
    Column("ticket_id", BigInteger().with_variant(Integer(), "sqlite")),
    Column("text", Text, nullable=False),
    Index("desk_notes_conversation", "conversation_id"),
    Index("desk_notes_ticket", "ticket_id"),
)

# 工单: a call back, something that cannot be done now (办不成事), a 回访 after a 差评.
desk_tickets = Table(
    "desk_tickets",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("ticket_no", String(32), nullable=False, unique=True),
    Column("kind", String(12), nullable=False),  # callback | unresolved | revisit
    Column("state", String(8), nullable=False),  # open | closed
    Column("conversation_id", String(128)),
    Column("phone", String(32)),
    Column("name", String(64)),
    Column("subject", Text, nullable=False),
    Column("owner_id", String(16)),
    Column("created_by", String(16)),  # None: the bot (a citizen's call-back request, a 差评)
    Column("created_at", Float, nullable=False),
    Column("due_at", Float, nullable=False),
    Column("closed_at", Float),
    Column("result", Text),
    Column("rating_id", BigInteger().with_variant(Integer(), "sqlite"), unique=True),  # the 差评 revisited
    Index("desk_tickets_open", "state", "due_at"),
)

# Every SMS the desk sent, as the desk shows it (phone masked), and what the gateway said.
sms_messages = Table(
    "sms_messages",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("conversation_id", String(128)),
    Column("staff_id", String(16)),
    Column("kind", String(16), nullable=False),  # notice | receipt
    Column("phone", String(32), nullable=False),  # masked
    Column("text", Text, nullable=False),
    Column("status", String(8), nullable=False),  # sent | failed
    Column("provider_id", String(64)),
    Column("error", Text),
    Index("sms_messages_conversation", "conversation_id", "id"),
)

# The local stand-in SMS gateway's inbox (bot/sms/standin.py, embedded profile only).
sms_standin = Table(
    "sms_standin",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("phone", String(32), nullable=False),
    Column("text", Text, nullable=False),
)

# Short links to a printable 一次性告知单 sent by SMS: a snapshot of the notice, no personal data.
notice_links = Table(
    "notice_links",
    metadata,
    Column("token", String(32), primary_key=True),
    Column("at", Float, nullable=False),
    Column("conversation_id", String(128)),
    Column("bundle_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # JSON: {notice, bundle} as the notice page reads it
)
