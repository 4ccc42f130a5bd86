"""create_app's inputs: the bundle ids it accepts."""

from __future__ import annotations

from pathlib import Path

from bot.intake.app import bundle_ids_in


def test_bundle_ids_are_the_stems_of_the_bundle_files(tmp_path: Path) -> None:
    (tmp_path / "bundles").mkdir()
    for name in ("newborn.yml", "marriage.yml", "README.md"):
        (tmp_path / "bundles" / name).write_text("", encoding="utf-8")
    assert bundle_ids_in(tmp_path) == {"newborn", "marriage"}
