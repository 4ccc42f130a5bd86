"""The rules catalogue: YAML schema, loading with validation, and the linter."""

from bot.catalogue.catalogue import Catalogue, UnknownBundle
from bot.catalogue.loader import load_catalogue
from bot.catalogue.problems import CatalogueError, Problem

__all__ = ["Catalogue", "CatalogueError", "Problem", "UnknownBundle", "load_catalogue"]
