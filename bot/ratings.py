"""好差评: ratings and comments after a hand-off, kept in SQLite."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import List, Optional, Tuple

from bot.privacy import mask_text


class RatingStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS ratings (id INTEGER PRIMARY KEY, at REAL NOT NULL,"
            " conversation_id TEXT, bundle_id TEXT, receipt_no TEXT, stars INTEGER, comment TEXT)"
        )

    def record(self, conversation_id: str, bundle_id: Optional[str], receipt_no: Optional[str],
               stars: Optional[int], comment: Optional[str]) -> None:
        # Comments are free text: people type phone numbers into them. Keep them masked.
        with self._lock:
            self._db.execute(
                "INSERT INTO ratings (at, conversation_id, bundle_id, receipt_no, stars, comment)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), conversation_id, bundle_id, receipt_no, stars,
                 mask_text(comment)[:500] if comment else None),
            )

    def all(self) -> List[Tuple]:
        with self._lock:
            return self._db.execute(
                "SELECT conversation_id, bundle_id, receipt_no, stars, comment FROM ratings ORDER BY id"
            ).fetchall()
