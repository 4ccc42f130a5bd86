"""Finds the line a problem's path points to in its YAML file, so a clerk can jump to it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot.catalogue.problems import Problem

# `items[2:birth_registration].materials[0:id_card].ref`, `questions[owns_pet]`, `bank_card.issuer`
_SEGMENT = re.compile(r"\[(\d+)(?::[^\]]*)?\]|\[([^\]]+)\]|\.?([^.\[\]]+)")
_Node = yaml.Node


def with_lines(problems: Iterable[Problem], root: Path) -> List[Problem]:
    """The problems with `line` filled in where the file and path can be found."""
    trees: Dict[str, Optional[_Node]] = {}
    out = []
    for problem in problems:
        if problem.line is None and problem.path and problem.file.endswith(".yml"):
            if problem.file not in trees:
                trees[problem.file] = _compose(Path(root).parent / problem.file)
            line = line_of(trees[problem.file], problem.path)
            if line is not None:
                problem = dataclasses.replace(problem, line=line)
        out.append(problem)
    return out


def _compose(path: Path) -> Optional[_Node]:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def line_of(tree: Optional[_Node], path: str) -> Optional[int]:
    """1-based line of the deepest node of `path` found in `tree` (None if not even the first)."""
    if tree is None:
        return None
    node, line = tree, None
    for n, match in enumerate(_SEGMENT.finditer(path)):
        index, wanted_id, key = match.groups()
        if index is not None:
            found = _item(node, int(index))
        elif wanted_id is not None:
            found = _by_id(node, wanted_id)
        else:
            found = _key(node, key)
            if found is None and n == 0:
                # registry paths start at the entry's id: `bank_card.issuer`
                found = _anywhere_by_id(node, key)
        if found is None:
            break
        node, line = found
    return line


def _key(node: _Node, key: str) -> Optional[Tuple[_Node, int]]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_node.value == key:
                return value, key_node.start_mark.line + 1
    return None


def _item(node: _Node, index: int) -> Optional[Tuple[_Node, int]]:
    if isinstance(node, yaml.SequenceNode) and 0 <= index < len(node.value):
        child = node.value[index]
        return child, child.start_mark.line + 1
    return None


def _by_id(node: _Node, wanted: str) -> Optional[Tuple[_Node, int]]:
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            if isinstance(child, yaml.MappingNode) and any(
                k.value in ("id", "ref") and getattr(v, "value", None) == wanted for k, v in child.value
            ):
                return child, child.start_mark.line + 1
    return None


def _anywhere_by_id(node: _Node, wanted: str) -> Optional[Tuple[_Node, int]]:
    if isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            found = _by_id(value, wanted)
            if found is not None:
                return found
    return None
