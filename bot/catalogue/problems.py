"""A problem found in a rules file, reported as `file:path: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

Loc = Sequence[Union[str, int]]


@dataclass(frozen=True)
class Problem:
    """`rules/bundles/x.yml:12: items[0:a].department: unknown department 'b'`: file, line (when
    known), the path inside the file and what is wrong, as editors and CI annotate them."""

    file: str
    path: str
    message: str
    severity: str = "error"  # "error" refuses the catalogue; "warning" is reported only
    line: Optional[int] = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.path:
            where = f"{where}: {self.path}" if self.line else f"{where}:{self.path}"
        tag = "" if self.severity == "error" else "warning: "
        return f"{where}: {tag}{self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "path": self.path, "message": self.message,
                "severity": self.severity}


class CatalogueError(Exception):
    """The catalogue refused to load; every problem found is listed, none is half-applied."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: List[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_loc(loc: Loc, data: Any = None) -> str:
    """`('items', 2, 'materials', 0, 'ref')` → `items[2:birth_registration].materials[0].ref`.

    The id of a list element is shown next to its index: clerks know items by id, not by position.
    """
    out: List[str] = []
    node = data
    for part in loc:
        if part == "__root__":
            continue
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id") or node.get("ref"), str):
                    label = f"[{part}:{node.get('id') or node.get('ref')}]"
            else:
                node = None
            out.append(label)
        else:
            key = str(part).rstrip("_") if str(part) in ("is_", "in_", "not_") else str(part)
            out.append(("." if out else "") + key)
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(out)


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def problems_from_validation(file: str, errors: List[dict], data: Any) -> List[Problem]:
    seen: set[Tuple[str, str]] = set()
    found = []
    for error in errors:
        path = format_loc(error["loc"], data)
        key = (path, error["msg"])
        if key in seen:
            continue
        seen.add(key)
        found.append(Problem(file, path, error["msg"]))
    return found
