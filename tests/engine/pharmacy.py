"""The clerk's 23rd bundle, 开办药店 (fixtures/pharmacy): a bundle file plus a new materials topic
file, with no data/nlu examples. Tests add it to a copy of rules/, never to rules/ itself."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "pharmacy"
BUNDLE = FIXTURE / "bundles" / "pharmacy_opening.yml"
MATERIALS = FIXTURE / "materials" / "pharmacy.yml"


def copy_rules(dest: Path) -> Path:
    """A copy of the real rules/ as dest/rules."""
    root = dest / "rules"
    shutil.copytree(ROOT / "rules", root)
    return root


def add_pharmacy(root: Path, bundle_text: str | None = None) -> None:
    """Save the materials file, then the bundle file (a clerk's order: what it refers to first)."""
    shutil.copy(MATERIALS, root / "materials" / MATERIALS.name)
    (root / "bundles" / BUNDLE.name).write_text(bundle_text or BUNDLE.read_text(encoding="utf-8"),
                                                encoding="utf-8")
