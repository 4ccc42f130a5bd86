"""Reads a rules YAML file fast (libyaml) and refuses duplicate keys, which YAML would hide."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(f"key {key!r} appears twice in one mapping (line {line})")
        self.line = line


class RulesLoader(_Base):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = key_node.value
            if key in seen:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 reads yes/no/on/off as booleans, so `no_words: [no]` became the word "False".
# Rules are written by clerks: only true/false are booleans, as in YAML 1.2.
_BOOL = "tag:yaml.org,2002:bool"
RulesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
RulesLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

RulesLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True),
)


def read_yaml(path: Path) -> Any:
    with open(path, "rb") as handle:
        return parse_yaml(handle.read())


def parse_yaml(data: bytes) -> Any:
    return yaml.load(data, Loader=RulesLoader)  # noqa: S506 - a safe loader subclass


def yaml_error_line(exc: yaml.YAMLError) -> Optional[int]:
    if isinstance(exc, DuplicateKey):
        return exc.line
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else None
