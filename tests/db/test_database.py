"""The database's writers on SQLite: those of one process take turns before SQLite's lock, so a
burst of concurrent writes never waits in SQLite's busy handler (whose polls sleep up to 100 ms
each) and never runs out of its busy timeout."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from bot.db import Database


def test_sixty_concurrent_writes_of_one_process_all_land_within_a_short_busy_timeout(tmp_path: Path) -> None:
    # A busy timeout shorter than the burst: SQLite's busy handler alone fails some of these.
    db = Database(f"sqlite:///{tmp_path / 'bot.db'}?timeout=0.05", threads=8)
    db.call(lambda conn: conn.execute(text("CREATE TABLE hits (n INTEGER)")), writer=True)

    def write(conn, n: int) -> None:
        conn.execute(text("INSERT INTO hits VALUES (:n)"), {"n": n})
        # Hold the write lock a while, as a turn's save does with its sealing and transcript.
        conn.execute(text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
                          "SELECT count(*) FROM c")).scalar()

    async def burst() -> list:
        return await asyncio.gather(*(db.run(lambda conn, n=n: write(conn, n), writer=True) for n in range(60)),
                                    return_exceptions=True)

    failures = [outcome for outcome in asyncio.run(burst()) if isinstance(outcome, Exception)]
    landed = db.call(lambda conn: conn.execute(text("SELECT count(*) FROM hits")).scalar())
    db.close()
    assert (failures, landed) == ([], 60)


def test_two_databases_on_one_file_share_its_writer_turns(tmp_path: Path) -> None:
    # The outbox opens the same file with durable commits: a second engine, the same SQLite lock.
    url = f"sqlite:///{tmp_path / 'bot.db'}?timeout=0.05"
    plain, durable = Database(url, threads=4), Database(url, durable=True, threads=4)
    plain.call(lambda conn: conn.execute(text("CREATE TABLE hits (n INTEGER)")), writer=True)

    def write(conn, n: int) -> None:
        conn.execute(text("INSERT INTO hits VALUES (:n)"), {"n": n})
        conn.execute(text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
                          "SELECT count(*) FROM c")).scalar()

    async def burst() -> list:
        return await asyncio.gather(*((plain if n % 2 else durable).run(lambda conn, n=n: write(conn, n), writer=True)
                                      for n in range(40)), return_exceptions=True)

    failures = [outcome for outcome in asyncio.run(burst()) if isinstance(outcome, Exception)]
    landed = plain.call(lambda conn: conn.execute(text("SELECT count(*) FROM hits")).scalar())
    plain.close()
    durable.close()
    assert (failures, landed) == ([], 40)
