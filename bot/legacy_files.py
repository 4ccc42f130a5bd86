"""What releases before the shared database left in `var/`: queued applications (outbox.db) and
好差评 (ratings.db) move into the database once; Rasa's old trackers (trackers.db, which held
ID numbers, phones and names as typed) and locks (locks.db) are erased.

Run by the action server before it starts its outbox worker, so that an application queued
while the intake service was down before the upgrade is still delivered after it. The files are
renamed before they are read: of several processes starting at once, one moves them in."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from bot.db import Database, DatabaseUnavailable
from bot.db.engine import make_engine
from bot.db.tables import outbox, ratings
from bot.sealing import Sealer

logger = logging.getLogger(__name__)
MOVED_IN = ("outbox.db", "ratings.db")
ERASED = ("trackers.db", "locks.db")
_SIDE_FILES = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Moved:
    applications: int = 0
    pending: int = 0
    ratings: int = 0
    erased: int = 0


def move_in(var_dir: Path, db: Database, sealer: Sealer) -> Moved:
    """Move the old files' records into `db` and remove the files; a file that cannot be read or
    written into `db` is put back as it was and tried again at the next start."""
    applications = pending = rated = 0
    claimed = _claim(var_dir / "outbox.db")
    if claimed is not None:
        try:
            applications, pending = db.call(lambda conn: _applications(conn, claimed, sealer), writer=True)
        except (SQLAlchemyError, DatabaseUnavailable, OSError, ValueError) as error:
            _put_back(claimed, var_dir / "outbox.db", error)
        else:
            _remove(claimed)
    claimed = _claim(var_dir / "ratings.db")
    if claimed is not None:
        try:
            rated = db.call(lambda conn: _ratings(conn, claimed), writer=True)
        except (SQLAlchemyError, DatabaseUnavailable, OSError, ValueError) as error:
            _put_back(claimed, var_dir / "ratings.db", error)
        else:
            _remove(claimed)
    erased = 0
    for name in ERASED:
        if (var_dir / name).exists():
            _remove(var_dir / name)
            erased += 1
    moved = Moved(applications, pending, rated, erased)
    if moved != Moved():
        logger.info("files of an earlier release: %d application(s) moved in (%d still to deliver), %d rating(s), "
                    "%d old file(s) with personal data erased; conversations in progress then start again",
                    applications, pending, rated, erased)
    return moved


def _claim(path: Path) -> Optional[Path]:
    if not path.exists():
        return None
    claimed = path.with_name(f"{path.name}.moving-{os.getpid()}")
    try:
        # The write-ahead log holds the last commits: it goes with its file, under the new name.
        os.rename(path, claimed)
    except FileNotFoundError:
        return None  # another process took it first
    for side in ("-wal", "-shm"):
        try:
            os.rename(f"{path}{side}", f"{claimed}{side}")
        except FileNotFoundError:
            pass
    return claimed


def _put_back(claimed: Path, path: Path, error: Exception) -> None:
    logger.error("could not move %s into the database (%s); it is kept and tried again at the next start",
                 path.name, str(error).splitlines()[0][:200])
    for side in ("", "-wal", "-shm"):
        try:
            os.rename(f"{claimed}{side}", f"{path}{side}")
        except FileNotFoundError:
            pass


def _remove(path: Path) -> None:
    for side in _SIDE_FILES:
        try:
            os.unlink(f"{path}{side}")
        except FileNotFoundError:
            pass


def _rows(path: Path, query: str) -> List[Any]:
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(query)))
    finally:
        engine.dispose()


def _applications(conn: Connection, path: Path, sealer: Sealer) -> tuple:
    known = set(conn.execute(select(outbox.c.idempotency_key)).scalars())
    moved = pending = 0
    for row in _rows(path, "SELECT * FROM outbox"):
        if row.idempotency_key in known:
            continue
        delivered = row.state == "delivered"
        body = "" if delivered else row.body  # delivered bodies are not kept (bot/handoff/outbox.py)
        wire = json.loads(row.body) if row.body else {}
        id_number = (wire.get("applicant") or {}).get("id_number")
        conn.execute(outbox.insert().values(
            idempotency_key=row.idempotency_key, provisional_ref=row.provisional_ref,
            conversation_id=wire.get("conversation_id"), bundle_id=row.bundle_id,
            applicant_key=sealer.fingerprint(id_number.strip().upper()) if id_number else None,
            body=sealer.seal(body) if body else "", state=row.state, attempts=row.attempts,
            next_attempt_at=min(row.next_attempt_at, time.time()) if row.state == "pending" else row.next_attempt_at,
            last_error=row.last_error, application_id=row.application_id, receipt_no=row.receipt_no,
            # The old release told the person of a settled application at the time; one still
            # pending is announced to its conversation when delivered, as a new one would be.
            result=row.result, notified=row.state != "pending",
            created_at=row.created_at, updated_at=row.updated_at,
        ))
        moved += 1
        pending += row.state == "pending"
    return moved, pending


def _ratings(conn: Connection, path: Path) -> int:
    found = _rows(path, "SELECT at, conversation_id, bundle_id, receipt_no, stars, comment FROM ratings")
    for row in found:
        conn.execute(ratings.insert().values(at=row.at, conversation_id=row.conversation_id, bundle_id=row.bundle_id,
                                             receipt_no=row.receipt_no, stars=row.stars, comment=row.comment))
    return len(found)
