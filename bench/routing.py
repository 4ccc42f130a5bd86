"""Routing accuracy on the held-out utterances (tests/nlu/routing_holdout.yml) through Engine.route.

`python -m bench routing [--show-all-misses]`

The engine is built as the action server builds it (rules/ plus data/nlu/bundles examples).
Held-out utterances that appear verbatim — after bot.engine.routing.prepare(), with the
router's filler words — in what the router trains on are excluded and counted:
- brief rule: the rules' routing examples or data/nlu/bundles examples;
- strict rule (the headline figures): also bundle names, short names and keywords, which the
  router indexes as documents too.
Reports top-1, top-3, coverage (any candidate at all), per-bundle accuracy, the misses, and the
share the dialogue would route "confidently" (it confirms one bundle instead of offering a
choice: bot.dialogue.steps.routing.shortlist) with its accuracy.
Targets (issue 4): top-1 ≥ 95 %, top-3 ≥ 99 %."""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from typing import Any, Dict, List, Optional, Set

from bench.common import ROOT, heading, table, verdict, write_record

TARGET_TOP1 = 0.95
TARGET_TOP3 = 0.99


def _fillers(catalogue) -> Optional[re.Pattern]:
    """The router's filler pattern, built the way bot.engine.routing.Router builds it."""
    words = catalogue.vocabulary.labels.get("routing_fillers", {})
    if not words:
        return None
    return re.compile("|".join(map(re.escape, sorted(words.values(), key=len, reverse=True))))


def _thresholds():
    """The dialogue's routing thresholds and its shortlist rule."""
    from bot.dialogue.steps import routing as module

    return module.CONFIDENT_SCORE, module.CLEAR_MARGIN, module.CHOICE_MIN_SHARE_OF_TOP, module.shortlist


def _rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else float("nan")


def run(show_all_misses: bool = False) -> Dict[str, Any]:
    from bench.catalogue_gen import holdout
    from bot.catalogue import load_catalogue

    CONFIDENT_SCORE, CLEAR_MARGIN, CHOICE_SHARE, shortlist = _thresholds()
    from bot.engine import Engine
    from bot.engine.routing import prepare
    from bot.engine.routing_examples import load_routing_examples

    heading("routing: held-out utterances through Engine.route")
    catalogue = load_catalogue(ROOT / "rules")
    nlu = load_routing_examples(ROOT / "data" / "nlu" / "bundles")
    engine = Engine(catalogue, nlu)
    fillers = getattr(engine.router, "_fillers", None) or _fillers(catalogue)

    def key(text: str) -> str:
        return prepare(text, fillers)

    trained: Dict[str, Set[str]] = {
        "rules_examples": set(),
        "nlu_examples": set(),
        "names_keywords": set(),
    }
    for bundle in catalogue.bundles.values():
        trained["rules_examples"].update(key(e) for e in bundle.routing.examples)
        trained["names_keywords"].update(
            key(t) for t in [bundle.name, bundle.short_name or "", *bundle.routing.keywords] if t
        )
    for examples in nlu.values():
        trained["nlu_examples"].update(key(e) for e in examples)

    labelled = holdout()
    unknown_labels = sorted(set(labelled) - set(catalogue.bundles))
    rows: List[Dict[str, Any]] = []
    excluded: Dict[str, List[str]] = defaultdict(list)
    for label, utterances in labelled.items():
        for text in utterances:
            k = key(text)
            sources = [name for name, seen in trained.items() if k in seen]
            candidates = engine.route(text, 3)
            ids = [c.bundle_id for c in candidates]
            confident, shown = shortlist(candidates) if candidates else (False, [])
            offered = [c.bundle_id for c in shown]
            rows.append(
                {
                    "label": label,
                    "text": text,
                    "sources": sources,
                    "top1": bool(ids) and ids[0] == label,
                    "top3": label in ids,
                    "covered": bool(ids),
                    "confident": confident,
                    "offered_right": label in offered,
                    "candidates": [(c.bundle_id, c.score) for c in candidates],
                }
            )
            for source in sources:
                excluded[source].append(text)

    brief_rule = {"rules_examples", "nlu_examples"}
    strict = [r for r in rows if not r["sources"]]
    brief = [r for r in rows if not brief_rule & set(r["sources"])]

    def figures(subset: List[Dict[str, Any]]) -> Dict[str, Any]:
        n = len(subset)
        conf = [r for r in subset if r["confident"]]
        return {
            "utterances": n,
            "top1": _rate(sum(r["top1"] for r in subset), n),
            "top3": _rate(sum(r["top3"] for r in subset), n),
            "coverage": _rate(sum(r["covered"] for r in subset), n),
            "confident_share": _rate(len(conf), n),
            "confident_accuracy": _rate(sum(r["top1"] for r in conf), len(conf)),
            "confident_wrong": len(conf) - sum(r["top1"] for r in conf),
            "not_confident_offer_contains_right": _rate(
                sum(r["offered_right"] for r in subset if not r["confident"]),
                sum(1 for r in subset if not r["confident"]),
            ),
            "dialogue_right_bundle_confirmed_or_offered": _rate(sum(r["offered_right"] for r in subset), n),
        }

    headline, by_brief, everything = figures(strict), figures(brief), figures(rows)
    print(
        f"  held-out utterances: {len(rows)} over {len(labelled)} bundles"
        + (f" (labels not in the catalogue: {unknown_labels})" if unknown_labels else "")
    )
    print(
        f"  excluded as seen in training — brief rule (rules examples or data/nlu/bundles): "
        f"{len(rows) - len(brief)}; strict rule (also names/keywords): {len(rows) - len(strict)}"
    )
    for source, texts in excluded.items():
        print(f"    {source}: {len(texts)}  e.g. {', '.join(texts[:4])}")
    print(
        f"  confident = one bundle confirmed: top score ≥ {CONFIDENT_SCORE} and lead ≥ {CLEAR_MARGIN}, "
        f"or no other candidate with ≥ {CHOICE_SHARE} × the top score (bot.dialogue.steps.routing.shortlist)"
    )
    table(
        [
            (
                "top-1",
                headline["top1"],
                by_brief["top1"],
                everything["top1"],
                f"≥ {TARGET_TOP1}",
                verdict(headline["top1"], TARGET_TOP1, lower_is_better=False),
            ),
            (
                "top-3",
                headline["top3"],
                by_brief["top3"],
                everything["top3"],
                f"≥ {TARGET_TOP3}",
                verdict(headline["top3"], TARGET_TOP3, lower_is_better=False),
            ),
            (
                "coverage (any candidate)",
                headline["coverage"],
                by_brief["coverage"],
                everything["coverage"],
                "",
                "",
            ),
            (
                "confident share",
                headline["confident_share"],
                by_brief["confident_share"],
                everything["confident_share"],
                "",
                "",
            ),
            (
                "accuracy when confident",
                headline["confident_accuracy"],
                by_brief["confident_accuracy"],
                everything["confident_accuracy"],
                "",
                "",
            ),
            (
                "wrong but confident (count)",
                headline["confident_wrong"],
                by_brief["confident_wrong"],
                everything["confident_wrong"],
                "",
                "",
            ),
            (
                "not confident: choice holds the right one",
                headline["not_confident_offer_contains_right"],
                by_brief["not_confident_offer_contains_right"],
                everything["not_confident_offer_contains_right"],
                "",
                "",
            ),
            (
                "dialogue confirms or offers the right one",
                headline["dialogue_right_bundle_confirmed_or_offered"],
                by_brief["dialogue_right_bundle_confirmed_or_offered"],
                everything["dialogue_right_bundle_confirmed_or_offered"],
                "",
                "",
            ),
            (
                "utterances",
                headline["utterances"],
                by_brief["utterances"],
                everything["utterances"],
                "",
                "",
            ),
        ],
        ["", "strict (headline)", "brief rule", "all", "target", "verdict"],
    )

    per_bundle = {}
    for label in labelled:
        subset = [r for r in strict if r["label"] == label]
        per_bundle[label] = {
            "n": len(subset),
            "top1": _rate(sum(r["top1"] for r in subset), len(subset)),
            "top3": _rate(sum(r["top3"] for r in subset), len(subset)),
            "confident": _rate(sum(r["confident"] for r in subset), len(subset)),
        }
    heading("per bundle (strict set)")
    table(
        [
            (b, v["n"], v["top1"], v["top3"], v["confident"])
            for b, v in sorted(per_bundle.items(), key=lambda kv: (kv[1]["top1"], kv[0]))
        ],
        ["bundle", "n", "top-1", "top-3", "confident"],
    )

    misses = [r for r in strict if not r["top1"]]
    heading(f"top-1 misses (strict set): {len(misses)}")
    for r in misses if show_all_misses or len(misses) <= 40 else misses[:40]:
        cands = ", ".join(f"{b} {s:.2f}" for b, s in r["candidates"]) or "(nothing fits)"
        mark = "top-3" if r["top3"] else "MISS3"
        conf = " CONFIDENT" if r["confident"] else ""
        print(f"  [{mark}{conf}] {r['label']}: {r['text']}  →  {cands}")
    record = {
        "confident_score": CONFIDENT_SCORE,
        "clear_margin": CLEAR_MARGIN,
        "choice_min_share_of_top": CHOICE_SHARE,
        "strict": headline,
        "brief_rule": by_brief,
        "all": everything,
        "excluded": {k: v for k, v in excluded.items()},
        "per_bundle": per_bundle,
        "misses": [{k: r[k] for k in ("label", "text", "top3", "confident", "candidates")} for r in misses],
        "targets": {
            "top1": {
                "value": headline["top1"],
                "target": f">= {TARGET_TOP1}",
                "verdict": verdict(headline["top1"], TARGET_TOP1, lower_is_better=False),
            },
            "top3": {
                "value": headline["top3"],
                "target": f">= {TARGET_TOP3}",
                "verdict": verdict(headline["top3"], TARGET_TOP3, lower_is_better=False),
            },
        },
    }
    path = write_record("routing", record)
    print(f"\n  record: {path.relative_to(ROOT)}")
    return record


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench routing")
    parser.add_argument("--show-all-misses", action="store_true")
    args = parser.parse_args(argv)
    return run(args.show_all_misses)


if __name__ == "__main__":
    main()
