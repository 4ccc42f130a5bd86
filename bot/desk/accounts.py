"""Staff accounts: agents and supervisors, argon2id password hashes, lockout after repeated
failures, sign-in sessions (the cookie holds a random token, the database its SHA-256), presence,
and the embedded profile's one demo agent."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.db import Database
from bot.db.tables import staff, staff_sessions
from bot.settings import Settings

ROLES = ("agent", "supervisor")
PRESENCE = ("online", "away", "offline")
MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCK_S = 15 * 60.0
SESSION_S = 12 * 3600.0  # one shift
MIN_PASSWORD = 10
DEMO_LOGIN, DEMO_STAFF_ID, DEMO_NAME = "demo-agent", "0231", "演示坐席"
_hasher = PasswordHasher()
# Verified against when the login is unknown, so that a wrong login takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))
_s, _ss = staff.c, staff_sessions.c


class AccountError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Staff:
    staff_id: str
    login: str
    name: str
    role: str
    capacity: int
    presence: str
    last_seen: Optional[float]

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"

    def view(self) -> dict:
        return {"staff_id": self.staff_id, "name": self.name, "role": self.role, "capacity": self.capacity,
                "presence": self.presence}


@dataclass(frozen=True)
class Session:
    staff: Staff
    csrf: str
    expires_at: float


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: a session token, or why not (`bad_credentials` | `locked`)."""

    token: Optional[str] = None
    problem: Optional[str] = None
    staff: Optional[Staff] = None


def _staff(row: Any) -> Staff:
    return Staff(row.staff_id, row.login, row.name, row.role, row.capacity, row.presence, row.last_seen)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time, allow_demo: bool = True) -> None:
        self.db = db
        self.clock = clock
        self.allow_demo = allow_demo  # production: a demo account left in the database cannot sign in

    # -- accounts --------------------------------------------------------------------------

    def add_sync(self, login: str, name: str, password: str, role: str = "agent", capacity: int = 3,
                 staff_id: Optional[str] = None, demo: bool = False) -> Staff:
        """Create an account (the command line runs this without an event loop)."""
        return self.db.call(lambda conn: self._add(conn, login, name, password, role, capacity, staff_id, demo),
                            writer=True)

    async def add(self, login: str, name: str, password: str, role: str = "agent", capacity: int = 3,
                  staff_id: Optional[str] = None) -> Staff:
        return await self.db.run(lambda conn: self._add(conn, login, name, password, role, capacity, staff_id,
                                                        False), writer=True)

    def _add(self, conn: Connection, login: str, name: str, password: str, role: str, capacity: int,
             staff_id: Optional[str], demo: bool) -> Staff:
        login = login.strip()
        if not login or len(login) > 64 or not login.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise AccountError("invalid_login")
        if role not in ROLES:
            raise AccountError("invalid_role")
        if len(password) < MIN_PASSWORD:
            raise AccountError("password_too_short")
        if not 1 <= capacity <= 20:
            raise AccountError("invalid_capacity")
        if conn.execute(select(_s.staff_id).where(_s.login == login)).first():
            raise AccountError("login_taken")
        staff_id = staff_id or self._next_id(conn)
        if not staff_id.isdigit() or len(staff_id) > 8:
            raise AccountError("invalid_staff_id")
        if conn.execute(select(_s.staff_id).where(_s.staff_id == staff_id)).first():
            raise AccountError("staff_id_taken")
        conn.execute(staff.insert().values(
            staff_id=staff_id, login=login, name=name.strip()[:64] or login, role=role,
            password_hash=_hasher.hash(password), capacity=capacity, presence="offline", failed_logins=0,
            demo=demo, created_at=self.clock()))
        return _staff(conn.execute(select(staff).where(_s.staff_id == staff_id)).one())

    @staticmethod
    def _next_id(conn: Connection) -> str:
        """工号: four digits, from 0201 up (the demo agent is 0231)."""
        ids = [int(i) for (i,) in conn.execute(select(_s.staff_id)) if i.isdigit()]
        return f"{max([200, *ids]) + 1:04d}"

    async def get(self, staff_id: str) -> Optional[Staff]:
        row = await self.db.run(lambda conn: conn.execute(select(staff).where(_s.staff_id == staff_id)).first())
        return _staff(row) if row else None

    async def everyone(self) -> List[Staff]:
        return await self.db.run(lambda conn: [_staff(r) for r in conn.execute(select(staff).order_by(_s.staff_id))])

    # -- signing in ------------------------------------------------------------------------

    async def sign_in(self, login: str, password: str) -> SignIn:
        row = await self.db.run(lambda conn: conn.execute(select(staff).where(_s.login == login.strip())).first())
        now = self.clock()
        if row is None or (row.demo and not self.allow_demo):
            _verify(_DUMMY_HASH, password)
            return SignIn(problem="bad_credentials")
        if row.locked_until and row.locked_until > now:
            return SignIn(problem="locked")
        if not _verify(row.password_hash, password):
            def fail(conn: Connection) -> str:
                failures = (conn.execute(select(_s.failed_logins).where(_s.staff_id == row.staff_id)).scalar() or 0) + 1
                locked = failures >= MAX_FAILURES
                conn.execute(staff.update().where(_s.staff_id == row.staff_id).values(
                    failed_logins=0 if locked else failures, locked_until=now + LOCK_S if locked else None))
                return "locked" if locked else "bad_credentials"

            return SignIn(problem=await self.db.run(fail, writer=True))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)

        def open_session(conn: Connection) -> None:
            conn.execute(staff.update().where(_s.staff_id == row.staff_id).values(
                failed_logins=0, locked_until=None, presence="online", last_seen=now))
            conn.execute(staff_sessions.insert().values(token_hash=_digest(token), staff_id=row.staff_id, csrf=csrf,
                                                        created_at=now, expires_at=now + SESSION_S))
            conn.execute(staff_sessions.delete().where(_ss.expires_at < now))

        await self.db.run(open_session, writer=True)
        return SignIn(token=token, staff=_staff(row))

    async def session(self, token: Optional[str]) -> Optional[Session]:
        if not token or len(token) > 128:
            return None
        now = self.clock()

        def work(conn: Connection) -> Optional[Session]:
            found = conn.execute(select(staff_sessions, staff).join(staff, _s.staff_id == _ss.staff_id)
                                 .where(_ss.token_hash == _digest(token), _ss.expires_at > now)).first()
            return Session(_staff(found), found.csrf, found.expires_at) if found else None

        return await self.db.run(work)

    async def sign_out(self, token: str, staff_id: str) -> None:
        await self.db.run(lambda conn: (
            conn.execute(staff_sessions.delete().where(_ss.token_hash == _digest(token))),
            conn.execute(staff.update().where(_s.staff_id == staff_id).values(presence="offline")),
        ), writer=True)

    # -- presence --------------------------------------------------------------------------

    async def heartbeat(self, staff_id: str) -> None:
        """The desk page polled: the agent is still there. An agent the janitor set offline after
        a closed tab comes back online with the next poll."""

        def work(conn: Connection) -> None:
            conn.execute(staff.update().where(_s.staff_id == staff_id).values(last_seen=self.clock()))
            conn.execute(staff.update().where(_s.staff_id == staff_id, _s.presence == "offline")
                         .values(presence="online"))

        await self.db.run(work, writer=True)

    async def set_presence(self, staff_id: str, presence: str) -> None:
        if presence not in ("online", "away"):
            raise AccountError("invalid_presence")
        await self.db.run(lambda conn: conn.execute(staff.update().where(_s.staff_id == staff_id).values(
            presence=presence, last_seen=self.clock())), writer=True)

    async def gone_quiet(self, older_than: float) -> List[Staff]:
        """Agents marked present whose desk page stopped polling (a closed tab): now offline."""

        def work(conn: Connection) -> List[Staff]:
            rows = conn.execute(select(staff).where(_s.presence != "offline", _s.last_seen < older_than)).all()
            for row in rows:
                conn.execute(staff.update().where(_s.staff_id == row.staff_id, _s.last_seen < older_than)
                             .values(presence="offline"))
            return [_staff(r) for r in rows]

        return await self.db.run(work, writer=True)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def demo_login_file(settings: Settings) -> Path:
    return settings.var_dir / "desk-demo-login"


def ensure_demo_agent(settings: Settings, db: Database) -> Optional[Tuple[str, str]]:
    """(login, password) of the embedded profile's demo agent, created on first use with a random
    password kept (owner-only) under var/; None in production, which has no demo agent."""
    if settings.profile != "embedded":
        return None
    path = demo_login_file(settings)
    password = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    accounts = Accounts(db)
    exists = db.call(lambda conn: conn.execute(select(_s.staff_id).where(_s.login == DEMO_LOGIN)).first())
    if exists and password:
        return DEMO_LOGIN, password
    password = secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(password + "\n")
    if exists:
        db.call(lambda conn: conn.execute(staff.update().where(_s.login == DEMO_LOGIN).values(
            password_hash=_hasher.hash(password), failed_logins=0, locked_until=None)), writer=True)
    else:
        accounts.add_sync(DEMO_LOGIN, DEMO_NAME, password, role="supervisor", capacity=3, staff_id=DEMO_STAFF_ID,
                          demo=True)
    return DEMO_LOGIN, password
