"""Files an earlier release left in var/: a queued application and the ratings move into the
database, sealed, and are delivered and kept as before; the old trackers with raw personal data
are erased; a second start finds nothing to do; a file that cannot be moved in is kept."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from bot.db import Database
from bot.db.tables import outbox, ratings
from bot.handoff.outbox import Outbox
from bot.launcher.process import free_port
from bot.legacy_files import Moved, move_in
from bot.ratings import RatingStore
from bot.sealing import Sealer
from bot.settings import ROOT

ID_NUMBER = "11010519491231002X"
KEY = Fernet.generate_key().decode()

# The files as the release before the shared database wrote them (bot/handoff/outbox.py and
# bot/ratings.py at b794ebe).
OLD_OUTBOX = """
CREATE TABLE outbox (idempotency_key TEXT PRIMARY KEY, provisional_ref TEXT NOT NULL UNIQUE,
    bundle_id TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL, lease_owner TEXT, lease_until REAL, last_error TEXT, application_id TEXT,
    receipt_no TEXT, result TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL);
"""
OLD_RATINGS = """CREATE TABLE ratings (id INTEGER PRIMARY KEY, at REAL NOT NULL, conversation_id TEXT,
    bundle_id TEXT, receipt_no TEXT, stars INTEGER, comment TEXT)"""


def body(key: str) -> str:
    return json.dumps({"bundle_id": "newborn", "conversation_id": "web-old-1", "idempotency_key": key,
                       "applicant": {"name": "张测试", "id_number": ID_NUMBER, "phone": "13800000001"}},
                      ensure_ascii=False)


def old_release(var: Path) -> None:
    """An outbox with one pending and one delivered application, its last commit still in the
    write-ahead log (the old release stopped without a checkpoint), ratings, trackers, locks."""
    var.mkdir(parents=True, exist_ok=True)
    writing = var.parent / "writing"
    writing.mkdir()
    conn = sqlite3.connect(writing / "outbox.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.executescript(OLD_OUTBOX)
    now = time.time() - 3600
    conn.execute("INSERT INTO outbox VALUES ('delivered-key-1', 'LS-20261201-AAAAAA', 'newborn', '', 'delivered',"
                 " 0, ?, NULL, NULL, NULL, 'app-1', 'SD-20261201-000001', '{}', ?, ?)", (now, now, now))
    conn.execute("INSERT INTO outbox VALUES ('pending-key-1', 'LS-20261201-BBBBBB', 'newborn', ?, 'pending',"
                 " 3, ?, NULL, NULL, 'intake down', NULL, NULL, NULL, ?, ?)",
                 (body("pending-key-1"), now + 7200, now, now))
    shutil.copy(writing / "outbox.db", var / "outbox.db")
    shutil.copy(writing / "outbox.db-wal", var / "outbox.db-wal")
    conn.close()
    with sqlite3.connect(var / "ratings.db") as ratings_db:
        ratings_db.execute(OLD_RATINGS)
        ratings_db.execute("INSERT INTO ratings (at, conversation_id, bundle_id, receipt_no, stars, comment)"
                           " VALUES (?, 'web-old-1', 'newborn', 'SD-20261201-000001', 5, '很方便')", (now,))
    (var / "trackers.db").write_text(f"tracker of 张测试 {ID_NUMBER}")
    (var / "locks.db").write_text("")


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'new' / 'bot.db'}")
    database.create_schema()
    yield database
    database.close()


def test_a_queued_application_moves_in_sealed_and_due_for_delivery_now(tmp_path: Path, db: Database) -> None:
    old_release(tmp_path / "var")
    sealer = Sealer([KEY])
    move_in(tmp_path / "var", db, sealer)
    due = asyncio.run(Outbox(db, sealer).due())
    stored = db.call(lambda conn: conn.execute(select(outbox.c.body).where(outbox.c.idempotency_key == "pending-key-1"))
                     .scalar())
    assert ([item.idempotency_key for item in due], json.loads(due[0].body)["applicant"]["id_number"],
            ID_NUMBER in stored) == (["pending-key-1"], ID_NUMBER, False)


def test_a_delivered_one_keeps_its_receipt_and_a_pending_one_counts_for_the_same_day_warning(tmp_path: Path,
                                                                                            db: Database) -> None:
    old_release(tmp_path / "var")
    sealer = Sealer([KEY])
    move_in(tmp_path / "var", db, sealer)
    box = Outbox(db, sealer)
    found = asyncio.run(box.find("SD-20261201-000001"))
    earlier = asyncio.run(box.earlier("newborn", ID_NUMBER, time.time() - 86400))
    assert (found.state, found.body, earlier.idempotency_key) == ("delivered", "", "pending-key-1")


def test_ratings_move_in_and_the_old_files_are_gone(tmp_path: Path, db: Database) -> None:
    var = tmp_path / "var"
    old_release(var)
    moved = move_in(var, db, Sealer([KEY]))
    kept = asyncio.run(RatingStore(db).all())
    assert (moved, [(r.stars, r.comment) for r in kept], sorted(p.name for p in var.iterdir())) == (
        Moved(applications=2, pending=1, ratings=1, erased=2), [(5, "很方便")], [])


def test_a_second_start_moves_nothing_twice(tmp_path: Path, db: Database) -> None:
    old_release(tmp_path / "var")
    move_in(tmp_path / "var", db, Sealer([KEY]))
    again = move_in(tmp_path / "var", db, Sealer([KEY]))
    counted = db.call(lambda conn: (conn.execute(text("SELECT count(*) FROM outbox")).scalar(),
                                    conn.execute(select(ratings.c.id)).all()))
    assert (again, counted[0], len(counted[1])) == (Moved(), 2, 1)


def test_an_outbox_that_cannot_be_read_is_kept_for_the_next_start(tmp_path: Path, db: Database) -> None:
    var = tmp_path / "var"
    var.mkdir()
    (var / "outbox.db").write_bytes(b"not a database at all" * 100)
    moved = move_in(var, db, Sealer([KEY]))
    assert (moved.applications, (var / "outbox.db").exists()) == (0, True)


def test_the_action_server_moves_them_in_when_it_starts(tmp_path: Path) -> None:
    var = tmp_path / "var"
    old_release(var)
    port = free_port()
    env = {**os.environ, "BOT_VAR_DIR": str(var), "BOT_ACTION_PORT": str(port), "BOT_DATA_KEYS": KEY,
           "BOT_INTAKE_URL": f"http://127.0.0.1:{free_port()}"}
    server = subprocess.Popen([sys.executable, "-m", "bot.action_server"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        healthy = False
        deadline = time.monotonic() + 120
        while not healthy and time.monotonic() < deadline and server.poll() is None:
            try:
                healthy = urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).status == 200
            except OSError:
                time.sleep(0.5)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=60)
    left = sorted(p.name for p in var.iterdir() if p.name.endswith(".db") and p.name != "bot.db")
    assert (healthy, left, "(1 still to deliver)" in errors) == (True, [], True), errors[-2000:]
