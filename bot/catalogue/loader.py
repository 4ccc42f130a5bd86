"""Loads `rules/` into a Catalogue: all files validated, all references resolved, or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Type

import yaml
from pydantic import BaseModel, ValidationError, constr

from bot.catalogue.catalogue import Catalogue, LazyBundles
from bot.catalogue.locate import with_lines
from bot.catalogue.manifest import FileKey, Manifest, context_key, file_key
from bot.catalogue.model import (
    Bundle,
    CategoriesFile,
    DepartmentsFile,
    Described,
    ELicencesFile,
    FieldsFile,
    MaterialsFile,
    MessagesFile,
    Vocabulary,
)
from bot.catalogue.problems import CatalogueError, Problem, problems_from_validation, relative
from bot.catalogue.references import check_bundle, check_registries
from bot.catalogue.summary import BundleSummary
from bot.catalogue.yaml_io import parse_yaml, yaml_error_line
from bot.heap import collector_paused


class CatalogueMeta(Described):
    version: constr(min_length=1)
    city: constr(min_length=1)


REGISTRIES: Dict[str, Type[BaseModel]] = {
    "catalogue": CatalogueMeta,
    "departments": DepartmentsFile,
    "e_licences": ELicencesFile,
    "categories": CategoriesFile,
    "vocabulary": Vocabulary,
    "messages": MessagesFile,
}
# Registries kept as a folder of topic files (rules/materials/*.yml): one shared id space.
SPLIT_REGISTRIES: Dict[str, Tuple[Type[BaseModel], str]] = {
    "materials": (MaterialsFile, "materials"),
    "fields": (FieldsFile, "fields"),
}


def _parse(path: Path, root: Path, model: Type[BaseModel]) -> Tuple[Optional[Any], List[Problem]]:
    raw, problems = _read(path, root)
    return _parse_data(raw, relative(path, root), model) if raw is not None else (None, problems)


def _read(path: Path, root: Path) -> Tuple[Optional[bytes], List[Problem]]:
    name = relative(path, root)
    try:
        return path.read_bytes(), []
    except FileNotFoundError:
        return None, [Problem(name, "", "file is missing")]
    except OSError as exc:
        return None, [Problem(name, "", f"cannot read file: {exc}")]


def _parse_data(raw: bytes, name: str, model: Type[BaseModel]) -> Tuple[Optional[Any], List[Problem]]:
    try:
        data = parse_yaml(raw)
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(name, "", f"invalid YAML: {reason}", line=yaml_error_line(exc))]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "", f"cannot read file: {exc}")]
    if data is None:
        return None, [Problem(name, "", "the file is empty")]
    if not isinstance(data, dict):
        return None, [Problem(name, "", "the file must hold a mapping (key: value lines)")]
    try:
        return model.parse_obj(data), []
    except ValidationError as exc:
        return None, problems_from_validation(name, exc.errors(), data)


def _index(entries: List[Any], file: str, what: str, problems: List[Problem]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for n, entry in enumerate(entries):
        if entry.id in out:
            problems.append(Problem(file, f"{what}[{n}:{entry.id}]", f"id {entry.id!r} is used twice"))
        out[entry.id] = entry
    return out


def _index_split(
    parts: List[Tuple[str, List[Any]]], what: str, problems: List[Problem], where: Dict[str, str]
) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for file, entries in parts:
        for n, entry in enumerate(entries):
            if entry.id in out:
                problems.append(Problem(file, f"{what}[{n}:{entry.id}]",
                                        f"id {entry.id!r} is already defined in {where[f'{what}:{entry.id}']}"))
                continue
            out[entry.id] = entry
            where[f"{what}:{entry.id}"] = file
    return out


def load_catalogue(root: Path, cache_dir: Optional[Path] = None) -> Catalogue:
    """Load and check every rules file under `root`; raise CatalogueError listing all problems.

    With a `cache_dir`, bundle files unchanged since they last passed every check (against the
    same registries and code) are not read again now: their bundles load on first use."""
    with collector_paused():
        return _load(Path(root), cache_dir)


def _load(root: Path, cache_dir: Optional[Path]) -> Catalogue:
    problems: List[Problem] = []
    parsed: Dict[str, Any] = {}
    files: Dict[str, str] = {}
    registry_paths: List[Path] = []
    for key, model in REGISTRIES.items():
        path = root / f"{key}.yml"
        files[key] = relative(path, root)
        registry_paths.append(path)
        value, found = _parse(path, root, model)
        problems.extend(found)
        parsed[key] = value

    split: Dict[str, List[Tuple[str, Any]]] = {}
    for key, (model, attr) in SPLIT_REGISTRIES.items():
        folder = root / key
        files[key] = relative(folder, root)
        paths = sorted(folder.glob("*.yml"))
        registry_paths.extend(paths)
        if not paths:
            problems.append(Problem(files[key], "", "no registry files in this folder"))
        split[key] = []
        for path in paths:
            value, found = _parse(path, root, model)
            problems.extend(found)
            if value is not None:
                split[key].append((relative(path, root), getattr(value, attr)))

    if any(parsed[key] is None for key in REGISTRIES):
        raise CatalogueError(with_lines(problems, root))

    origins: Dict[str, str] = {}
    catalogue = Catalogue(
        version=parsed["catalogue"].version,
        city=parsed["catalogue"].city,
        root=root,
        departments=_index(parsed["departments"].departments, files["departments"], "departments", problems),
        e_licences=_index(parsed["e_licences"].e_licences, files["e_licences"], "e_licences", problems),
        materials=_index_split(split["materials"], "materials", problems, origins),
        fields=_index_split(split["fields"], "fields", problems, origins),
        categories=_index(parsed["categories"].categories, files["categories"], "categories", problems),
        audiences=dict(parsed["categories"].audiences),
        vocabulary=parsed["vocabulary"],
        messages=dict(parsed["messages"].messages),
        bundles={},
        origins=origins,
        sites=_index(parsed["departments"].sites, files["departments"], "sites", problems),
        service_centre=parsed["departments"].service_centre,
    )
    problems.extend(check_registries(catalogue, files, origins))

    manifest = Manifest(cache_dir, context_key(registry_paths)) if cache_dir else None
    bundle_files = sorted((root / "bundles").glob("*.yml"))
    if not bundle_files:
        problems.append(Problem(relative(root / "bundles", root), "", "no bundle files"))
    loaded: Dict[str, Bundle] = {}
    summaries: Dict[str, BundleSummary] = {}
    paths: Dict[str, Path] = {}
    # Where a bundle not read now is read on first use: the copy of the bytes that were validated
    # (a snapshot), never the live file, which may have been edited or removed since.
    sources: Dict[str, Path] = {}
    checked: Dict[str, Tuple[FileKey, BundleSummary, str]] = {}
    for path in bundle_files:
        name = relative(path, root)
        try:
            key = file_key(path)
        except FileNotFoundError:
            continue  # removed while we looked: it is simply not part of this catalogue
        hit = manifest.lookup(name, key) if manifest else None
        if hit is None:
            raw, found = _read(path, root)
            bundle, more = _parse_data(raw, name, Bundle) if raw is not None else (None, [])
            problems.extend(found + more)
            if bundle is None:
                continue
            problems.extend(check_bundle(catalogue, bundle, name, path.stem))
            summary, snapshot = BundleSummary.of(bundle), manifest.keep(raw) if manifest else None
            loaded[bundle.id] = bundle
        else:
            summary, snapshot = hit
        if summary.id in summaries:
            problems.append(Problem(name, "id", f"bundle id {summary.id!r} is also used by "
                                                f"{relative(paths[summary.id], root)}"))
            continue
        summaries[summary.id] = summary
        paths[summary.id] = path
        if snapshot is not None:
            sources[summary.id] = snapshot
            checked[name] = (key, summary, snapshot.name)

    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CatalogueError(with_lines(errors, root))
    if manifest:
        manifest.save(checked)
    catalogue.summaries = summaries
    catalogue.files = paths
    catalogue.bundles = LazyBundles(summaries, lambda bundle_id: _read_bundle(sources[bundle_id], root), loaded)
    return catalogue


def _read_bundle(snapshot: Path, root: Path) -> Bundle:
    """A bundle validated when the catalogue loaded, read from its snapshot when first needed."""
    bundle, problems = _parse(snapshot, root, Bundle)
    if bundle is None:
        raise CatalogueError(problems)
    return bundle


def load_messages(root: Path) -> Dict[str, str]:
    """Only the bot's sentences (rules/messages.yml), for processes that need no catalogue."""
    value, problems = _parse(Path(root) / "messages.yml", Path(root), MessagesFile)
    if value is None:
        raise CatalogueError(problems)
    return dict(value.messages)
