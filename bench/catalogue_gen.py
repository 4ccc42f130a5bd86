"""Generated catalogues for the engine benchmark: the real 22 bundles plus clones of them.

A clone is a real bundle file with a new id and name, and routing hints of its own: a made-up
theme word (from characters used in the real rules, so the n-gram vocabulary grows the way a
real catalogue's would), a random share of its source's keywords, two keywords borrowed from
another bundle, and its source's examples reworded around the theme. So routing among the ~90
clones of one source bundle depends on the theme and the mix, not on an exact string. The
questionnaire, items, materials and forms are the source's, so every cross-reference (questions
in conditions, `produced_by` items, registries) stays valid; the registries are the real ones.
NLU routing examples (data/nlu/bundles) are cloned the same way into `<dest>/nlu/bundles/`."""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bench.common import ROOT

RULES = ROOT / "rules"
NLU_BUNDLES = ROOT / "data" / "nlu" / "bundles"
HOLDOUT = ROOT / "tests" / "nlu" / "routing_holdout.yml"
SUFFIXES = [
    "证",
    "登记",
    "补贴",
    "许可",
    "备案",
    "变更",
    "服务",
    "申领",
    "年审",
    "核验",
    "认定",
    "补办",
    "迁移",
    "注销",
    "续期",
    "资助",
    "申报",
    "审批",
]
_ROUTING_BLOCK = re.compile(r"^routing:\n(?:(?:[ \t]+.*|)\n)*?(?=^[a-z_]+:)", re.MULTILINE)


@dataclass
class Generated:
    rules_dir: Path
    nlu_dir: Path
    size: int
    # (query text, the bundle id it is meant for): the clone's theme + a held-out utterance
    queries: List[Tuple[str, str]] = field(default_factory=list)


def _cjk(text: str) -> List[str]:
    return [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]


def _char_pool() -> List[str]:
    chars = set()
    for path in list(RULES.rglob("*.yml")) + list(NLU_BUNDLES.glob("*.yml")):
        chars.update(_cjk(path.read_text(encoding="utf-8")))
    return sorted(chars)


def _nlu_examples(path: Path) -> List[str]:
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append(line[2:].strip())
    return out


def holdout() -> Dict[str, List[str]]:
    data = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))
    return {k: [str(u) for u in v] for k, v in data["bundle_utterances"].items()}


def _reword(rng: random.Random, text: str, theme: str, borrowed: List[str], p_theme: float) -> str:
    if borrowed and rng.random() < 0.3:
        text = text + rng.choice(["，还有", "，顺便问", " "]) + rng.choice(borrowed)
    if rng.random() < p_theme:
        where = rng.random()
        if where < 0.4:
            text = theme + text
        elif where < 0.7:
            text = text + rng.choice(["，", "", " "]) + theme
        else:
            cut = rng.randint(0, len(text))
            text = text[:cut] + theme + text[cut:]
    if len(text) > 6 and rng.random() < 0.25:
        cut = rng.randrange(len(text))
        text = text[:cut] + text[cut + 1 :]
    return text


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def generate(dest: Path, size: int, seed: int = 7) -> Generated:
    """Write a catalogue of `size` bundles (the real ones first) under dest; return its paths."""
    rng = random.Random(seed)
    rules_dir, nlu_dir = dest / "rules", dest / "nlu" / "bundles"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(RULES, rules_dir, ignore=shutil.ignore_patterns("bundles"))
    (rules_dir / "bundles").mkdir()
    nlu_dir.mkdir(parents=True)

    sources: Dict[str, Tuple[str, dict, List[str]]] = {}
    for path in sorted((RULES / "bundles").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        sources[data["id"]] = (text, data, _nlu_examples(NLU_BUNDLES / f"{data['id']}.yml"))
        shutil.copy(path, rules_dir / "bundles" / path.name)
        if (NLU_BUNDLES / path.name).is_file():
            shutil.copy(NLU_BUNDLES / path.name, nlu_dir / path.name)

    pool = _char_pool()
    held = holdout()
    ids = list(sources)
    generated = Generated(rules_dir, nlu_dir, size)
    themes = set()
    for n in range(max(0, size - len(ids))):
        source_id = ids[n % len(ids)]
        text, data, nlu = sources[source_id]
        while True:
            theme = "".join(rng.sample(pool, 2)) + rng.choice(SUFFIXES)
            if theme not in themes:
                themes.add(theme)
                break
        new_id = f"{source_id}_g{n:05d}"
        other = sources[rng.choice([i for i in ids if i != source_id])][1]
        borrowed = rng.sample(other["routing"]["keywords"], min(2, len(other["routing"]["keywords"])))
        own = data["routing"]["keywords"]
        keywords = [theme, theme[:2] + "办理"] + rng.sample(own, max(1, int(len(own) * 0.6))) + borrowed
        base_examples = data["routing"]["examples"] + nlu
        examples = [
            _reword(rng, e, theme, borrowed, 0.8)
            for e in rng.sample(base_examples, min(len(base_examples), rng.randint(6, 10)))
        ]
        while len(examples) < 3:
            examples.append(theme + "怎么办理")
        name = f"{theme}·{data['name']}"
        routing = (
            "routing:\n  keywords: ["
            + ", ".join(_q(k) for k in keywords)
            + "]\n  examples:\n"
            + "".join(f"    - {_q(e)}\n" for e in examples)
        )
        cloned = _ROUTING_BLOCK.sub(lambda _m, r=routing: r, text, count=1)
        cloned = re.sub(r"^id: .*$", f"id: {new_id}", cloned, count=1, flags=re.MULTILINE)
        cloned = re.sub(r"^name: .*$", f"name: {_q(name)}", cloned, count=1, flags=re.MULTILINE)
        if data.get("short_name"):
            cloned = re.sub(
                r"^short_name: .*$",
                f"short_name: {_q(theme + data['short_name'])}",
                cloned,
                count=1,
                flags=re.MULTILINE,
            )
        (rules_dir / "bundles" / f"{new_id}.yml").write_text(cloned, encoding="utf-8")
        if nlu:
            lines = [_reword(rng, e, theme, borrowed, 0.5) for e in rng.sample(nlu, min(len(nlu), 24))]
            body = "".join(f"    - {line}\n" for line in lines if line and not line.startswith(("-", "#")))
            (nlu_dir / f"{new_id}.yml").write_text(
                'version: "3.1"\nnlu:\n- intent: describe_need\n  examples: |\n' + body,
                encoding="utf-8",
            )
        utterances = held.get(source_id) or []
        if utterances:
            generated.queries.append((_reword(rng, rng.choice(utterances), theme, [], 1.0), new_id))
    return generated
