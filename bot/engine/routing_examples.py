"""Extra routing examples kept with the NLU data: `data/nlu/bundles/<bundle id>.yml`."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import yaml


def load_routing_examples(folder: Path) -> Dict[str, List[str]]:
    """bundle id → example utterances, from Rasa NLU files named by bundle id.

    Read as plain YAML (the engine imports nothing from Rasa): every `examples` block's
    "- text" lines. Missing folders and files are fine: the rules' own hints suffice."""
    out: Dict[str, List[str]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        examples: List[str] = []
        for block in data.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append(line[2:].strip())
        if examples:
            out[path.stem] = examples
    return out
