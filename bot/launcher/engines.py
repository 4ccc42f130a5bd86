"""Local PostgreSQL and Redis for the cluster profile, started from Debian's binaries with their
data under var/cluster/ (engines managed elsewhere are given by URL and checked by bot/reachable.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from functools import partial
from pathlib import Path
from typing import Iterable

from bot.launcher.process import Process, StartupError

POSTGRES_USER = "postgres"  # PostgreSQL refuses to run as root; Debian's package creates this user


# -- where the programs are ---------------------------------------------------------------------


def postgres_binary(name: str) -> str:
    """initdb, postgres, …: on PATH, else in Debian's /usr/lib/postgresql/<newest>/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name))
    for folder in reversed(versions):
        if (folder / name).is_file():
            return str(folder / name)
    raise StartupError(f"PostgreSQL's {name} is not installed (`make run-cluster` installs Debian's postgresql)")


def _version(name: str) -> tuple:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def program(name: str, package: str) -> str:
    found = shutil.which(name) or next((str(Path(d) / name) for d in ("/usr/sbin", "/usr/bin", "/sbin")
                                        if (Path(d) / name).is_file()), None)
    if not found:
        raise StartupError(f"{name} is not installed (`make run-cluster` installs Debian's {package})")
    return found


def _as_root() -> bool:
    return os.geteuid() == 0


# -- local PostgreSQL ---------------------------------------------------------------------------


def _postgres_answers(host: str, port: int) -> bool:
    import psycopg2

    try:
        conn = psycopg2.connect(host=host, port=port, user=POSTGRES_USER, dbname="postgres", connect_timeout=2)
    except psycopg2.Error:
        return False
    conn.close()
    return True


def _as_postgres(argv: list) -> list:
    return ["runuser", "-u", POSTGRES_USER, "--", *argv] if _as_root() else argv


def _prepare_postgres(data: Path) -> None:
    """A new cluster in `data` on first use (trust on 127.0.0.1 only: a local profile; managed
    servers elsewhere come with their own passwords in the URL)."""
    data.parent.mkdir(parents=True, exist_ok=True)
    if _as_root():
        shutil.chown(data.parent, POSTGRES_USER)
        reach = subprocess.run(_as_postgres(["test", "-w", str(data.parent)]), capture_output=True)
        if reach.returncode != 0:
            raise StartupError(f"PostgreSQL runs as the {POSTGRES_USER} user, which cannot reach {data.parent} "
                               "(set BOT_CLUSTER_DATA_DIR to a folder it can reach, e.g. under /var/tmp)")
    if (data / "PG_VERSION").is_file():
        return
    result = subprocess.run(
        _as_postgres([postgres_binary("initdb"), "-D", str(data), "-A", "trust", "-U", POSTGRES_USER,
                      "-E", "UTF8", "--locale=C"]),
        capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        raise StartupError(f"PostgreSQL could not create its data folder {data}: "
                           f"{lines[-1] if lines else 'initdb failed'}")


def postgres_process(folder: Path, host: str, port: int, log_path: Path) -> Process:
    """PostgreSQL on `host:port` with its data in `folder`/data (created on first use)."""
    data = folder / "data"
    _prepare_postgres(data)
    return Process(
        name="PostgreSQL",
        argv=[postgres_binary("postgres"), "-D", str(data), "-p", str(port), "-k", str(folder),
              "-c", f"listen_addresses={host}", "-c", "max_connections=300"],
        health_url=f"postgresql://{host}:{port}",
        probe=partial(_postgres_answers, host, port),
        user=POSTGRES_USER if _as_root() else None,
        stop_signal=signal.SIGINT,  # fast shutdown: open sessions are ended, not waited for
        log_path=log_path,
    )


def ensure_databases(host: str, port: int, names: Iterable[str]) -> None:
    import psycopg2

    conn = psycopg2.connect(host=host, port=port, user=POSTGRES_USER, dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for name in names:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


# -- local Redis --------------------------------------------------------------------------------


def _redis_answers(host: str, port: int) -> bool:
    import redis

    try:
        client = redis.Redis(host=host, port=port, socket_connect_timeout=1, socket_timeout=1)
        answered = client.ping()
        client.close()
        return bool(answered)
    except redis.RedisError:
        return False


def redis_process(folder: Path, host: str, port: int, log_path: Path) -> Process:
    """Redis on `host:port`. Nothing it holds must outlive it (conversation locks, the socket.io
    queue), so it saves nothing to disk."""
    folder.mkdir(parents=True, exist_ok=True)
    return Process(
        name="Redis",
        argv=[program("redis-server", "redis-server"), "--port", str(port), "--bind", host,
              "--dir", str(folder), "--save", "", "--appendonly", "no", "--daemonize", "no",
              "--logfile", "", "--protected-mode", "yes"],
        health_url=f"redis://{host}:{port}",
        probe=partial(_redis_answers, host, port),
        log_path=log_path,
    )
