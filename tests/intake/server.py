"""A real intake server for tests: own port, own SQLite file, own rules dir, started as a child."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Tuple

from bot.launcher.process import Process, free_port
from bot.settings import ROOT

TOKEN = "test-intake-token"
IDENTITY_TOKEN = "test-identity-token"
BUNDLES = ("newborn", "restaurant_opening", "marriage")
# A write waits this long for a lock before the API answers 503 (the default is 2 s).
BUSY_TIMEOUT_S = 0.3


class IntakeServer:
    def __init__(
        self,
        root: Path,
        port: Optional[int] = None,
        bundles: Iterable[str] = BUNDLES,
        database_url: Optional[str] = None,
    ):
        self.root = root
        self.port = port or free_port()
        self.db_path = root / "intake.db"
        rules = root / "rules"
        (rules / "bundles").mkdir(parents=True, exist_ok=True)
        for bundle_id in bundles:
            (rules / "bundles" / f"{bundle_id}.yml").write_text("# test stub\n", encoding="utf-8")
        env = {
            "BOT_HOST": "127.0.0.1",
            "BOT_INTAKE_PORT": str(self.port),
            "BOT_INTAKE_TOKEN": TOKEN,
            "BOT_INTAKE_DATABASE_URL": (
                database_url or f"sqlite:///{self.db_path}?timeout={BUSY_TIMEOUT_S}"
            ),
            "BOT_RULES_DIR": str(rules),
            "BOT_VAR_DIR": str(root / "var"),
            "BOT_IDENTITY_TOKEN": IDENTITY_TOKEN,
        }
        self.process = Process(
            name="intake",
            argv=[sys.executable, "-m", "bot.intake"],
            health_url=f"{self.url}/health",
            env=env,
            cwd=ROOT,
            log_path=root / "intake.log",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> IntakeServer:
        self.process.start()
        self.process.wait_healthy(30)
        return self

    def stop(self) -> None:
        self.process.stop()

    def log_lines_with(self, text: str, sentinel: str) -> int:
        """How many lines of the server's log mention `text`, counted once `sentinel` (logged
        after them) has arrived, so that no earlier line is still on its way."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            lines = self.process.log_path.read_text(encoding="utf-8").splitlines()  # type: ignore
            if any(sentinel in line for line in lines):
                return sum(text in line for line in lines)
            time.sleep(0.05)
        raise TimeoutError(f"{sentinel} never reached the log")

    def count_applications(self) -> int:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute("SELECT COUNT(*) FROM applications").fetchone()[0]

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: Optional[str] = TOKEN,
        raw: Optional[bytes] = None,
    ) -> Tuple[int, Dict[str, Any]]:
        """(status, JSON answer) of one plain HTTP request."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
