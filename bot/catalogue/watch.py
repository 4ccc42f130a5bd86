"""Noticing that the rules folder changed, and recording what each running service serves.

A change is seen from every rules file's name, size and modification time (a few stat calls,
cheap enough to poll several times a second). Each service writes its status to
`var/rules-status/<service>.json`, which `python -m bot rules status` reads."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.catalogue.problems import Problem

Fingerprint = Tuple[Tuple[str, int, int], ...]  # (path inside the folder, mtime_ns, size)


def fingerprint(root: Path) -> Fingerprint:
    entries = []
    for path in sorted(Path(root).rglob("*.yml")):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed between listing and looking
            continue
        entries.append((path.relative_to(root).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def changed_files(before: Fingerprint, after: Fingerprint) -> List[str]:
    """Files added, edited or removed, by their path inside the folder."""
    old, new = {e[0]: e for e in before}, {e[0]: e for e in after}
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def newest_save(after: Fingerprint, names: List[str]) -> Optional[float]:
    """When the latest of these files was saved (removal has no time; then None)."""
    times = [mtime / 1e9 for name, mtime, _ in after if name in names]
    return max(times) if times else None


@dataclass
class Attempt:
    """One try to make the files on disk live."""

    at: float
    ok: bool
    files: List[str]  # what changed since the catalogue then serving was loaded
    seconds: float  # loading, checking and building the router
    live_after_save_s: Optional[float] = None  # from the newest save to serving it
    problems: List[Dict[str, Any]] = field(default_factory=list)


@dataclass
class RulesStatus:
    """What one service serves now and how its last attempt went; written as JSON."""

    service: str
    pid: int
    rules_dir: str
    started_at: float
    version: str = ""
    bundles: int = 0
    serving_since: float = 0.0
    reloads: int = 0
    refused: int = 0
    last: Optional[Attempt] = None

    def served(self, version: str, bundles: int) -> None:
        self.version, self.bundles, self.serving_since = version, bundles, time.time()

    def record(self, attempt: Attempt) -> None:
        self.last = attempt
        if attempt.ok:
            self.reloads += 1
        else:
            self.refused += 1

    @property
    def failing(self) -> bool:
        """The files on disk are not what is served: the last attempt was refused."""
        return bool(self.last and not self.last.ok)

    def write(self, folder: Optional[Path]) -> None:
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self.service}.json"
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, target)

    @classmethod
    def read(cls, path: Path) -> RulesStatus:
        data = json.loads(path.read_text(encoding="utf-8"))
        last = data.pop("last", None)
        status = cls(**data)
        status.last = Attempt(**last) if last else None
        return status


def problem_dicts(problems: List[Problem]) -> List[Dict[str, Any]]:
    return [p.as_dict() for p in problems]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
