"""The engine a running service uses, swapped whole when the rules folder changes and checks out.

The current Engine sits behind a small holder. A change that fails any load check leaves the old
catalogue serving; it is reported in the log and in `python -m bot rules status`."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from bot.catalogue.catalogue import Catalogue
from bot.catalogue.loader import load_catalogue
from bot.catalogue.problems import CatalogueError
from bot.catalogue.watch import Attempt, RulesStatus, changed_files, fingerprint, newest_save, problem_dicts
from bot.engine.engine import Engine
from bot.engine.routing_examples import load_routing_examples

if TYPE_CHECKING:
    from bot.settings import Settings

logger = logging.getLogger(__name__)

POLL_S = 0.2  # how often the folder is looked at
QUIET_S = 0.2  # a change is loaded once the files have stood still this long (saves in pieces)


class LiveEngine:
    """Quacks like the Engine it holds (`live.route(…)`, `live.catalogue`), so the dialogue and
    the portal need not know that it is replaced while they run. Each swap is one assignment:
    one call sees the old engine or the new one, never a mix (a turn making several calls may
    straddle a swap; `live.engine` taken once gives a turn one version throughout)."""

    def __init__(self, rules_dir: Path, cache_dir: Optional[Path] = None,
                 routing_examples: Optional[Dict[str, List[str]]] = None,
                 status_dir: Optional[Path] = None, service: str = "engine",
                 poll_s: float = POLL_S, quiet_s: float = QUIET_S) -> None:
        self.rules_dir = Path(rules_dir)
        self._cache_dir = cache_dir
        self._examples = routing_examples or {}
        self._status_dir = status_dir
        self._poll_s, self._quiet_s = poll_s, quiet_s
        self._lock = threading.Lock()  # one reload at a time (the watcher thread, or a direct reload())
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._seen = fingerprint(self.rules_dir)
        self._served = self._seen
        self._candidate, self._candidate_since = self._seen, 0.0
        # A failure at start-up is the service's to report: it cannot start without rules.
        self._engine = self._build(load_catalogue(self.rules_dir, self._cache_dir))
        self.status = RulesStatus(service=service, pid=os.getpid(), rules_dir=str(self.rules_dir),
                                  started_at=time.time())
        self.status.served(self.catalogue.version, len(self.catalogue.summaries))
        self.status.write(self._status_dir)

    @classmethod
    def from_settings(cls, settings: Settings, service: str) -> LiveEngine:
        return cls(settings.rules_dir, settings.cache_dir,
                   load_routing_examples(settings.data_dir / "nlu" / "bundles"),
                   status_dir=settings.var_dir / "rules-status", service=service)

    # -- the engine --------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def catalogue(self) -> Catalogue:
        return self._engine.catalogue

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the holder itself lacks: everything the Engine offers.
        if name == "_engine":  # not built yet (or being copied): no engine to ask
            raise AttributeError(name)
        return getattr(self._engine, name)

    def _build(self, catalogue: Catalogue) -> Engine:
        engine = Engine(catalogue, self._examples)
        engine.prepare_routing()
        engine.prepare_reading()
        return engine

    # -- watching ------------------------------------------------------------------------------
    def start(self) -> LiveEngine:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="rules-watcher", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _watch(self) -> None:
        while not self._stop.wait(self._poll_s):
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - the watcher must outlive any one bad moment
                logger.exception("rules watcher: unexpected error; the current catalogue keeps serving")

    def poll(self, now: Optional[float] = None) -> Optional[Attempt]:
        """Look once; load when the files changed and have since stood still."""
        now = time.monotonic() if now is None else now
        current = fingerprint(self.rules_dir)
        if current == self._seen:
            return None
        if current != self._candidate:
            self._candidate, self._candidate_since = current, now
            return None
        if now - self._candidate_since < self._quiet_s:
            return None
        return self.reload(current)

    def reload(self, current=None) -> Attempt:
        """Load the folder as it is now; swap if it is valid, keep serving the old one if not."""
        with self._lock:
            current = fingerprint(self.rules_dir) if current is None else current
            files = changed_files(self._served, current)
            self._seen = current
            started = time.monotonic()
            try:
                catalogue = load_catalogue(self.rules_dir, self._cache_dir)
                engine = self._build(catalogue)
            except CatalogueError as exc:
                attempt = Attempt(at=time.time(), ok=False, files=files,
                                  seconds=round(time.monotonic() - started, 3),
                                  problems=problem_dicts(exc.problems))
                self._report_refusal(attempt, exc)
            else:
                catalogue.retire_from(self._engine.catalogue)
                self._engine = engine  # the swap
                self._served = current
                saved = newest_save(current, files)
                attempt = Attempt(at=time.time(), ok=True, files=files,
                                  seconds=round(time.monotonic() - started, 3),
                                  live_after_save_s=round(time.time() - saved, 3) if saved else None)
                self.status.served(catalogue.version, len(catalogue.summaries))
                logger.info("rules reloaded: %d bundles now live (%s changed; loaded in %.2f s%s)",
                            len(catalogue.summaries), ", ".join(files) or "nothing",
                            attempt.seconds, _after_save(attempt))
            self.status.record(attempt)
            self.status.write(self._status_dir)
            return attempt

    def _report_refusal(self, attempt: Attempt, exc: CatalogueError) -> None:
        logger.error("rules change refused (%s changed); still serving the catalogue loaded before. "
                     "%d problem(s):", ", ".join(attempt.files) or "nothing", len(exc.problems))
        for problem in exc.problems:
            logger.error("  %s", problem)


def _after_save(attempt: Attempt) -> str:
    return f"; live {attempt.live_after_save_s:.2f} s after the save" if attempt.live_after_save_s else ""
