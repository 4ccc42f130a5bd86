"""The validated-catalogue manifest: a warm start reads only what changed, and still refuses
a catalogue that is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalogue import CatalogueError, load_catalogue
from bot.catalogue.manifest import Manifest
from bot.settings import ROOT


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    return copy


def test_a_warm_load_knows_every_bundle_without_reading_it(rules: Path, tmp_path: Path) -> None:
    cold = load_catalogue(rules, tmp_path / "cache")
    warm = load_catalogue(rules, tmp_path / "cache")
    assert (list(warm.summaries), warm.bundles._loaded) == (list(cold.summaries), {})


def test_a_bundle_from_a_warm_load_equals_the_cold_one(rules: Path, tmp_path: Path) -> None:
    cold = load_catalogue(rules, tmp_path / "cache")
    warm = load_catalogue(rules, tmp_path / "cache")
    assert warm.bundle("newborn") == cold.bundle("newborn")


def test_an_edited_bundle_is_checked_again_and_refused_when_wrong(rules: Path, tmp_path: Path) -> None:
    load_catalogue(rules, tmp_path / "cache")
    bundle = rules / "bundles" / "newborn.yml"
    bundle.write_text(bundle.read_text(encoding="utf-8").replace("department: tax", "department: nowhere"),
                      encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(rules, tmp_path / "cache")
    assert any("nowhere" in p.message for p in caught.value.problems)


def test_a_changed_registry_checks_every_bundle_again(rules: Path, tmp_path: Path) -> None:
    load_catalogue(rules, tmp_path / "cache")
    registry = rules / "departments.yml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text("\n".join(line for line in text.splitlines() if "id: tax," not in line) + "\n",
                        encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(rules, tmp_path / "cache")
    assert any("'tax'" in p.message and "bundles/" in p.file for p in caught.value.problems)


def test_a_refused_catalogue_leaves_the_manifest_as_it_was(rules: Path, tmp_path: Path) -> None:
    load_catalogue(rules, tmp_path / "cache")
    before = (tmp_path / "cache" / Manifest.NAME).read_bytes()
    (rules / "bundles" / "newborn.yml").write_text("id: [broken", encoding="utf-8")
    with pytest.raises(CatalogueError):
        load_catalogue(rules, tmp_path / "cache")
    assert (tmp_path / "cache" / Manifest.NAME).read_bytes() == before
