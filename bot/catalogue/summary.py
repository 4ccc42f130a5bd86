"""What is known of every bundle without reading its whole file: for routing, browsing and lists."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from bot.catalogue.model import Bundle


@dataclass(frozen=True)
class BundleSummary:
    id: str
    name: str
    short_name: Optional[str]
    audience: str
    category: str
    description: str
    lead_department: str
    items: int
    questions: int
    keywords: List[str] = field(default_factory=list)
    examples: List[str] = field(default_factory=list)
    not_examples: List[str] = field(default_factory=list)

    @classmethod
    def of(cls, bundle: Bundle) -> BundleSummary:
        return cls(
            id=bundle.id, name=bundle.name, short_name=bundle.short_name, audience=bundle.audience,
            category=bundle.category, description=bundle.description, lead_department=bundle.lead_department,
            items=len(bundle.items), questions=len(bundle.questions),
            keywords=list(bundle.routing.keywords), examples=list(bundle.routing.examples),
            not_examples=list(bundle.routing.not_examples),
        )

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)
