"""Whether the shared engines answer — PostgreSQL by URL, Redis by URL — checked when a service
or the cluster starts: one line naming the one that does not, and the setting that points at it."""

from __future__ import annotations

import sys
from typing import List

from sqlalchemy.engine import make_url

from bot.settings import Settings

CHECK_TIMEOUT_S = 3


class Unreachable(RuntimeError):
    """An engine did not answer; the message names it, its URL (no password) and the setting."""


def shown(url: str) -> str:
    """A database or Redis URL fit to print: the password hidden."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().split("\n")[0].strip()
    return text or type(error).__name__


def check_postgres(url: str, setting: str) -> None:
    """Unreachable, naming the setting, when PostgreSQL at `url` does not answer a query."""
    import psycopg2

    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg2.connect(libpq, connect_timeout=CHECK_TIMEOUT_S)
    except psycopg2.Error as error:
        raise Unreachable(f"PostgreSQL is unreachable at {shown(url)} ({setting}): {_first_line(error)}") from None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        conn.close()


def check_redis(url: str, setting: str) -> None:
    """Unreachable, naming the setting, when Redis at `url` does not answer PING."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as error:
        raise Unreachable(f"Redis is unreachable at {shown(url)} ({setting}): {_first_line(error)}") from None


def problems(settings: Settings, database: bool = False, intake_database: bool = False,
             redis: bool = False) -> List[str]:
    """What of the engines this process needs does not answer (SQLite files always do)."""
    def served(url: str) -> bool:
        return bool(url) and make_url(url).get_backend_name() != "sqlite"

    wanted = []
    if database and served(settings.database_url):
        wanted.append((check_postgres, settings.database_url, "BOT_DATABASE_URL"))
    if intake_database and served(settings.intake_database_url):
        wanted.append((check_postgres, settings.intake_database_url, "BOT_INTAKE_DATABASE_URL"))
    if redis and settings.redis_url:
        wanted.append((check_redis, settings.redis_url, "BOT_REDIS_URL"))
    found = []
    for check, url, setting in wanted:
        try:
            check(url, setting)
        except Unreachable as error:
            found.append(str(error))
    return found


def require(settings: Settings, **needs: bool) -> None:
    """For a service's main(): one line on stderr and exit status 1 if an engine it needs is down."""
    found = problems(settings, **needs)
    if found:
        print(f"error: {found[0]}", file=sys.stderr, flush=True)
        raise SystemExit(1)
