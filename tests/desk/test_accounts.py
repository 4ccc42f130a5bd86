"""Staff accounts: argon2id hashes, lockout after repeated wrong passwords, sessions, the demo agent."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.tables import staff
from bot.desk.accounts import LOCK_S, MAX_FAILURES, SESSION_S, AccountError, Accounts, ensure_demo_agent
from bot.settings import Settings

PASSWORD = "correct-horse-battery"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Database:
    made = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    made.create_schema()
    return made


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(db: Database, clock: Clock) -> Accounts:
    made = Accounts(db, clock)
    made.add_sync("agent-a", "坐席甲", PASSWORD)
    return made


def test_the_password_is_kept_as_an_argon2id_hash(accounts: Accounts, db: Database) -> None:
    stored = db.call(lambda conn: conn.execute(select(staff.c.password_hash)).scalar())
    assert (stored.startswith("$argon2id$"), PASSWORD in stored) == (True, False)


def test_the_right_password_opens_a_session_with_its_own_csrf_token(accounts: Accounts) -> None:
    signed = asyncio.run(accounts.sign_in("agent-a", PASSWORD))
    session = asyncio.run(accounts.session(signed.token))
    assert (session.staff.login, len(session.csrf) >= 24, session.staff.presence) == ("agent-a", True, "online")


def test_a_wrong_password_or_login_says_the_same(accounts: Accounts) -> None:
    assert [asyncio.run(accounts.sign_in("agent-a", "nope")).problem,
            asyncio.run(accounts.sign_in("nobody", PASSWORD)).problem] == ["bad_credentials"] * 2


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(accounts: Accounts) -> None:
    problems = [asyncio.run(accounts.sign_in("agent-a", f"wrong-{n}")).problem for n in range(MAX_FAILURES)]
    assert problems == ["bad_credentials"] * (MAX_FAILURES - 1) + ["locked"]
    assert asyncio.run(accounts.sign_in("agent-a", PASSWORD)).problem == "locked"


def test_the_lock_ends_after_its_time(accounts: Accounts, clock: Clock) -> None:
    for n in range(MAX_FAILURES):
        asyncio.run(accounts.sign_in("agent-a", f"wrong-{n}"))
    clock.now += LOCK_S + 1
    assert asyncio.run(accounts.sign_in("agent-a", PASSWORD)).token is not None


def test_a_session_ends_after_a_shift(accounts: Accounts, clock: Clock) -> None:
    token = asyncio.run(accounts.sign_in("agent-a", PASSWORD)).token
    clock.now += SESSION_S + 1
    assert asyncio.run(accounts.session(token)) is None


def test_a_made_up_or_signed_out_token_is_no_session(accounts: Accounts) -> None:
    token = asyncio.run(accounts.sign_in("agent-a", PASSWORD)).token
    asyncio.run(accounts.sign_out(token, "0201"))
    assert [asyncio.run(accounts.session(t)) for t in (token, "made-up", "")] == [None, None, None]


@pytest.mark.parametrize(("login", "password", "code"), [
    ("agent-a", PASSWORD, "login_taken"), ("agent b", PASSWORD, "invalid_login"),
    ("agent-c", "short", "password_too_short"),
])
def test_accounts_that_cannot_be_made_say_why(accounts: Accounts, login: str, password: str, code: str) -> None:
    with pytest.raises(AccountError) as refused:
        accounts.add_sync(login, "x", password)
    assert refused.value.code == code


def test_staff_numbers_are_four_digits_counting_up(accounts: Accounts) -> None:
    assert accounts.add_sync("agent-b", "坐席乙", PASSWORD).staff_id == "0202"


def test_the_embedded_profile_has_one_demo_agent_whose_password_stays_private(tmp_path: Path, db: Database) -> None:
    settings = Settings(var_dir=tmp_path, profile="embedded")
    first, again = ensure_demo_agent(settings, db), ensure_demo_agent(settings, db)
    mode = stat.S_IMODE((tmp_path / "desk-demo-login").stat().st_mode)
    signed = asyncio.run(Accounts(db).sign_in(*first))
    assert (first == again, mode, signed.staff.staff_id) == (True, 0o600, "0231")


def test_production_has_no_demo_agent_and_an_old_one_cannot_sign_in(tmp_path: Path, db: Database) -> None:
    login = ensure_demo_agent(Settings(var_dir=tmp_path, profile="embedded"), db)
    assert ensure_demo_agent(Settings(var_dir=tmp_path, profile="production"), db) is None
    assert asyncio.run(Accounts(db, allow_demo=False).sign_in(*login)).problem == "bad_credentials"
