"""HTML page templates of one folder with `{{KEY}}` placeholders: the templates hold all the page text."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path


class PageTemplates:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def render(self, name: str, **values: str) -> str:
        """The template with each placeholder replaced by its value, attribute-escaped."""
        page = _read(self.folder / name)
        for key, value in values.items():
            page = page.replace("{{" + key + "}}", html.escape(value, quote=True))
        return page


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
