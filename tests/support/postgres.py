"""A throwaway PostgreSQL cluster for tests (and fresh databases on it). PostgreSQL is part of
`make install` (Debian's postgresql): a machine without it fails these tests, it does not skip them."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.launcher.engines import postgres_binary
from bot.launcher.process import StartupError, free_port


def _as_postgres() -> List[str]:
    # PostgreSQL refuses to run as root; as root, run its tools as the postgres user.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def postgres_url() -> Iterator[str]:
    """Yields the URL of a fresh cluster on a free port; removes it afterwards."""
    try:
        initdb, pg_ctl = postgres_binary("initdb"), postgres_binary("pg_ctl")
    except StartupError as error:
        pytest.fail(f"{error} (make install installs it)")
    root = Path(tempfile.mkdtemp(prefix="intake-pg-"))  # not under pytest's 0700 tmp dirs
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    try:
        subprocess.run(
            _as_postgres() + [initdb, "-D", str(data), "-A", "trust", "-U", "postgres",
                              "--no-sync"],
            check=True, capture_output=True, timeout=60,
        )
        subprocess.run(
            _as_postgres() + [
                pg_ctl, "-D", str(data), "-w", "-l", str(root / "pg.log"), "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start",
            ],
            check=True, capture_output=True, timeout=60,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"cannot start a PostgreSQL cluster here: {error}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres() + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True, timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """A new empty database on the cluster at `server_url`; its URL."""
    import uuid

    import psycopg2

    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(server_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    conn.close()
    return server_url.rsplit("/", 1)[0] + "/" + name
