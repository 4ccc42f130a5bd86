"""The loaded catalogue: registries and bundles by id, immutable once loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Mapping

from bot.catalogue.model import (
    Bundle,
    Category,
    Department,
    ELicence,
    FormField,
    Material,
    Site,
    Vocabulary,
)
from bot.catalogue.problems import CatalogueError
from bot.catalogue.summary import BundleSummary


class UnknownBundle(KeyError):
    """No bundle has this id."""

    def __init__(self, bundle_id: str) -> None:
        super().__init__(bundle_id)
        self.bundle_id = bundle_id


class LazyBundles(Mapping[str, Bundle]):
    """Bundles by id, each read from its file on first use. A catalogue of thousands of bundles
    starts in the time it takes to check which files changed since they were last validated."""

    def __init__(self, summaries: Dict[str, BundleSummary], read: Callable[[str], Bundle],
                 loaded: Dict[str, Bundle]) -> None:
        self._summaries = summaries
        self._read = read
        self._loaded = dict(loaded)

    def __getitem__(self, bundle_id: str) -> Bundle:
        bundle = self._loaded.get(bundle_id)
        if bundle is None:
            if bundle_id not in self._summaries:
                raise KeyError(bundle_id)
            bundle = self._loaded[bundle_id] = self._read(bundle_id)
        return bundle

    def __contains__(self, bundle_id: object) -> bool:
        return bundle_id in self._summaries

    def __iter__(self) -> Iterator[str]:
        return iter(self._summaries)

    def __len__(self) -> int:
        return len(self._summaries)


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
    bundles: Mapping[str, Bundle]  # read lazily; iterate `summaries` for lists and routing
    summaries: Dict[str, BundleSummary] = field(default_factory=dict)
    files: Dict[str, Path] = field(default_factory=dict)
    origins: Dict[str, str] = field(default_factory=dict)  # "materials:<id>" → its registry file
    # Bundles whose file was removed while the bot ran: no longer routed or listed, but a
    # conversation already inside one finishes on the version it started with.
    retired: Dict[str, Bundle] = field(default_factory=dict)
    sites: Dict[str, Site] = field(default_factory=dict)  # places people go to, by id
    service_centre: str = ""  # the site id of the 综合窗口 (一窗受理)

    def bundle(self, bundle_id: str) -> Bundle:
        try:
            return self.bundles[bundle_id]
        except KeyError:
            retired = self.retired.get(bundle_id)
            if retired is None:
                raise UnknownBundle(bundle_id) from None
            return retired

    def retire_from(self, previous: Catalogue) -> None:
        """Keep the bundles of `previous` that this catalogue no longer has."""
        for bundle_id in [*previous.summaries, *previous.retired]:
            if bundle_id in self.summaries or bundle_id in self.retired:
                continue
            try:
                self.retired[bundle_id] = previous.bundle(bundle_id)
            except (CatalogueError, OSError):  # an unreadable old snapshot loses only that bundle
                continue

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
                    for b in self.summaries.values()
                    if b.category == category.id
                ]
                if bundles:
                    categories.append(
                        {"category_id": category.id, "name": category.name, "bundles": bundles}
                    )
            tree.append({"audience": audience, "name": audience_name, "categories": categories})
        return tree
