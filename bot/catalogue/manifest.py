"""Remembers which bundle files were already validated, against which registries and code,
so that a restart re-reads only what changed (like Python's .pyc files)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

from bot.catalogue.summary import BundleSummary

_CODE = ("model.py", "conditions.py", "references.py", "values.py", "facts.py", "loader.py", "summary.py")
FileKey = Tuple[int, int]  # (mtime_ns, size)


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

    def summary(self, name: str, key: FileKey) -> Optional[BundleSummary]:
        """The summary of a file validated before, if it has not changed since."""
        entry = self._entries.get(name)
        if entry and tuple(entry.get("key", ())) == key:
            try:
                return BundleSummary(**entry["summary"])
            except TypeError:
                return None
        return None

    def save(self, files: Dict[str, Tuple[FileKey, BundleSummary]]) -> None:
        if not self.path:
            return
        entries = {name: {"key": list(key), "summary": summary.as_dict()} for name, (key, summary) in files.items()}
        data = {"context": self.context, "files": entries}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)  # atomic: a concurrent reader sees old or new, whole
