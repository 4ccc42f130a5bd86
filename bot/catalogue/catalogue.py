"""The loaded catalogue: registries and bundles by id, immutable once loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from bot.catalogue.model import (
    Bundle,
    Category,
    Department,
    ELicence,
    FormField,
    Material,
    Vocabulary,
)


class UnknownBundle(KeyError):
    """No bundle has this id."""

    def __init__(self, bundle_id: str) -> None:
        super().__init__(bundle_id)
        self.bundle_id = bundle_id


@dataclass
class Catalogue:
    version: str
    city: str
    root: Path
    departments: Dict[str, Department]
    e_licences: Dict[str, ELicence]
    materials: Dict[str, Material]
    fields: Dict[str, FormField]
    categories: Dict[str, Category]
    audiences: Dict[str, str]
    vocabulary: Vocabulary
    messages: Dict[str, str]
    bundles: Dict[str, Bundle]
    files: Dict[str, Path] = field(default_factory=dict)

    def bundle(self, bundle_id: str) -> Bundle:
        try:
            return self.bundles[bundle_id]
        except KeyError:
            raise UnknownBundle(bundle_id) from None

    def label(self, group: str, key: str) -> str:
        """A display word from the vocabulary (`handling_mode`, `status`, …), or the key itself."""
        return self.vocabulary.labels.get(group, {}).get(str(key), str(key))

    def category_tree(self) -> List[dict]:
        """服务超市: audiences → categories → bundles, in catalogue order."""
        tree = []
        for audience, audience_name in self.audiences.items():
            categories = []
            for category in self.categories.values():
                if category.audience != audience:
                    continue
                bundles = [
                    {"bundle_id": b.id, "name": b.name, "description": b.description}
                    for b in self.bundles.values()
                    if b.category == category.id
                ]
                if bundles:
                    categories.append(
                        {"category_id": category.id, "name": category.name, "bundles": bundles}
                    )
            tree.append({"audience": audience, "name": audience_name, "categories": categories})
        return tree
