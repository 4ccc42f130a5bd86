"""Remembers which bundle files were already validated, against which registries and code,
so that a restart re-reads only what changed (like Python's .pyc files). It keeps a copy of the
exact bytes validated (a snapshot), which is what a bundle not yet needed is later read from:
the rules file itself may have been edited, half-saved or removed by then."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

from bot.catalogue.summary import BundleSummary

_CODE = ("model.py", "conditions.py", "references.py", "values.py", "facts.py", "loader.py", "summary.py")
FileKey = Tuple[int, int]  # (mtime_ns, size)
SNAPSHOT_GRACE_S = 24 * 3600.0


def file_key(path: Path) -> FileKey:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def context_key(registry_files: Iterable[Path]) -> str:
    """Changes when any registry file or the checking code changes: then every bundle is
    checked again, since its references may no longer resolve."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in [*(here / name for name in _CODE), *sorted(registry_files)]:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Manifest:
    NAME = "catalogue-manifest.json"

    def __init__(self, cache_dir: Optional[Path], context: str) -> None:
        self.path = Path(cache_dir) / self.NAME if cache_dir else None
        self.context = context
        self._entries: Dict[str, dict] = {}
        if self.path and self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if data.get("context") == context:
                self._entries = data.get("files", {})

    @property
    def snapshots(self) -> Optional[Path]:
        return self.path.parent / "bundles" if self.path else None

    def lookup(self, name: str, key: FileKey) -> Optional[Tuple[BundleSummary, Path]]:
        """The summary and snapshot of a file validated before, if it has not changed since."""
        entry = self._entries.get(name)
        if not (entry and tuple(entry.get("key", ())) == key and self.snapshots):
            return None
        snapshot = self.snapshots / str(entry.get("snapshot", ""))
        if not entry.get("snapshot") or not snapshot.is_file():
            return None
        try:
            return BundleSummary(**entry["summary"]), snapshot
        except TypeError:
            return None

    def keep(self, raw: bytes) -> Optional[Path]:
        """Store the validated bytes under their hash (written once, never changed)."""
        if not self.snapshots:
            return None
        snapshot = self.snapshots / f"{hashlib.sha256(raw).hexdigest()[:24]}.yml"
        if not snapshot.is_file():
            snapshot.parent.mkdir(parents=True, exist_ok=True)
            temporary = snapshot.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(raw)
            os.replace(temporary, snapshot)
        return snapshot

    def save(self, files: Dict[str, Tuple[FileKey, BundleSummary, str]]) -> None:
        if not self.path:
            return
        entries = {name: {"key": list(key), "summary": summary.as_dict(), "snapshot": snapshot}
                   for name, (key, summary, snapshot) in files.items()}
        data = {"context": self.context, "files": entries}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)  # atomic: a concurrent reader sees old or new, whole
        self._prune({snapshot for _, _, snapshot in files.values()})

    def _prune(self, kept: set) -> None:
        """Drop snapshots of old versions. Only old ones: another process sharing this cache may
        still read one it validated before its own next reload."""
        cutoff = time.time() - SNAPSHOT_GRACE_S
        for snapshot in self.snapshots.glob("*.yml") if self.snapshots else []:
            try:
                if snapshot.name not in kept and snapshot.stat().st_mtime < cutoff:
                    snapshot.unlink()
            except OSError:
                continue
