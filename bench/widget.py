"""The chat widget's speed in a browser (issue #12): time to the first bot message and per-turn
time over whole conversations, this widget against a baseline revision's, on the real stack.

`python -m bench widget [--runs 5] [--baseline main] [--views desktop,phone-large]`

Starts the real stack on free ports and Debian's chromium (headless, through Playwright). Each
run is one person, a fresh browser profile, signed in as the demo 张伟, who opens the portal,
types "孩子刚出生，要办哪些手续" and clicks through to the receipt (新生儿出生一件事: questions,
the notice and prefilled form, the form's missing field, consent), about a dozen turns.
Times are taken inside the page (performance.now()), from the click or Enter that starts a turn
to the first animation frame after the turn is on screen (its messages drawn, 正在回复 gone):
- widget ready: navigation start → the welcome drawn (the widget's nine scripts and styles);
- first reply: the first Enter → the first bot message (includes opening the session);
- per turn: every later turn, p50/p95/max, and its part spent waiting for the REST reply
  (the webhook request's duration in the Resource Timing entries) — the rest is the widget.
The widget's files of `--baseline` (a git revision; default `main`) are served instead of the
working tree's for the baseline runs (both through the same Playwright route, so both pay the
same); runs alternate between the two so drift on this shared machine hits both alike."""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.common import ROOT, heading, percentile, table, write_record
from bot.launcher.model import ensure_model
from bot.launcher.process import free_port
from bot.launcher.stack import Stack
from bot.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDGET_DIR = ROOT / "bot" / "portal" / "static" / "widget"
NEED = "孩子刚出生，要办哪些手续"
# Buttons a patient person presses when the turn offers them, in this order of preference.
PREFERRED = ("对，就办这个", "确认无误", "同意并提交", "仍要提交")
TYPED = {"姓名": "张小明", "医院": "济南市妇幼保健院", "电话": "13800000001", "地址": "山东省济南市历下区示范路1号"}
TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class View:
    name: str
    width: int
    height: int
    large: bool


VIEWS = {v.name: v for v in (View("desktop", 1366, 768, False), View("phone-large", 360, 740, True))}

# Stamps the start of a turn (a click or Enter anywhere: events from the widget's shadow root
# reach the document) and, polled every animation frame, the end of it.
TIMING = """window.__bench = {t0: 0, t1: 0};
document.addEventListener('click', () => { window.__bench.t0 = performance.now(); }, true);
document.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__bench.t0 = performance.now(); }, true);"""
TURN_DONE = """n => {
  const host = document.querySelector('#yjs-widget');
  const root = host && host.shadowRoot;
  if (!root) return false;
  const thinking = root.querySelector('.yjs-thinking');
  const done = root.querySelectorAll('.yjs-log > .yjs-bot').length > n && !root.querySelector('.yjs-pending')
    && thinking && thinking.hidden;
  if (done) window.__bench.t1 = performance.now();
  return done;
}"""
WEBHOOK_MS = """() => { const all = performance.getEntriesByType('resource')
  .filter((e) => e.name.indexOf('/webhooks/rest/webhook') >= 0);
  return all.length ? all[all.length - 1].duration : null; }"""


class Person:
    """One browser profile going from the need to the receipt, timing each turn in the page."""

    def __init__(self, browser: Any, url: str, view: View, serve_widget) -> None:
        self.context = browser.new_context(viewport={"width": view.width, "height": view.height}, locale="zh-CN")
        self.context.add_init_script(TIMING)
        self.context.route("**/static/widget/*", serve_widget)
        self.page = self.context.new_page()
        self.url, self.view = url, view
        self.turns: List[Dict[str, float]] = []

    def root(self, selector: str):
        return self.page.locator(selector)

    def bots(self) -> int:
        return self.page.evaluate("() => document.querySelector('#yjs-widget').shadowRoot"
                                  ".querySelectorAll('.yjs-log > .yjs-bot').length")

    def ready_ms(self) -> float:
        self.page.goto(self.url)
        self.page.wait_for_function(TURN_DONE, arg=0, timeout=TIMEOUT_MS)  # the welcome, drawn
        return self.page.evaluate("() => window.__bench.t1")

    def turn(self, act) -> Dict[str, float]:
        before = self.bots()
        act()
        self.page.wait_for_function(TURN_DONE, arg=before, timeout=TIMEOUT_MS, polling="raf")
        t0, t1 = self.page.evaluate("() => [window.__bench.t0, window.__bench.t1]")
        reply = self.page.evaluate(WEBHOOK_MS) or 0.0
        timing = {"turn_ms": t1 - t0, "reply_ms": reply, "widget_ms": max(0.0, t1 - t0 - reply)}
        self.turns.append(timing)
        return timing

    def converse(self) -> Dict[str, Any]:
        ready = self.ready_ms()
        if self.view.large:
            self.root("#elder-mode").click()
        self.root("#demo-login").select_option("demo-zhang-wei")
        self.root(".yjs-bubble").click()
        box = self.root("#yjs-input")
        box.fill(NEED)
        first = self.turn(lambda: box.press("Enter"))
        for _ in range(40):
            if self.root(".yjs-card-receipt").count():
                break
            self.turn(self.next_action())
        else:
            raise RuntimeError("no receipt after 40 turns")
        return {"ready_ms": ready, "first_ms": first["turn_ms"], "turns": self.turns[1:]}

    def next_action(self):
        last = self.root(".yjs-log > .yjs-bot").last
        card = last.locator(".yjs-card-question")
        if card.count():
            when = card.locator("input[type=date]")
            if when.count():
                when.fill((date.today() - timedelta(days=10)).isoformat())
                return card.get_by_role("button", name="确定").click
            boxes = card.locator("input[type=checkbox]")
            if boxes.count():
                boxes.first.check()
                return card.get_by_role("button", name="确定").click
            return card.locator(".yjs-options button").first.click
        titles = last.get_by_role("button").all_inner_texts()
        chosen = next((t for t in PREFERRED if t in titles), titles[0] if titles else None)
        if chosen is not None:
            return last.get_by_role("button", name=chosen, exact=True).last.click
        words = last.inner_text()
        box = self.root("#yjs-input")
        box.fill(next((v for k, v in TYPED.items() if k in words), "无"))
        return lambda: box.press("Enter")

    def close(self) -> None:
        self.context.close()


def widget_files(revision: Optional[str]) -> Dict[str, bytes]:
    """The widget's files as the working tree has them, or as `revision` had them."""
    names = sorted(p.name for p in WIDGET_DIR.iterdir() if p.is_file())
    if revision is None:
        return {name: (WIDGET_DIR / name).read_bytes() for name in names}
    listed = subprocess.run(["git", "ls-tree", "--name-only", f"{revision}:bot/portal/static/widget"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    return {name: subprocess.run(["git", "show", f"{revision}:bot/portal/static/widget/{name}"], cwd=ROOT,
                                 capture_output=True, check=True).stdout for name in listed}


def server(files: Dict[str, bytes]):
    kinds = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}

    def serve(route: Any) -> None:
        name = route.request.url.split("?")[0].rsplit("/", 1)[-1]
        if name not in files:
            route.fulfill(status=404, body="")
            return
        route.fulfill(status=200, body=files[name], headers={
            "Content-Type": kinds.get(name.rsplit(".", 1)[-1], "application/octet-stream"),
            "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"})

    return serve


def summary(values: List[float]) -> Dict[str, float]:
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
            "max_ms": round(max(values), 1) if values else float("nan")}


def run(runs: int, baseline: str, views: List[View]) -> Dict[str, Any]:
    from playwright.sync_api import sync_playwright

    widgets = {"this": server(widget_files(None)), baseline: server(widget_files(baseline))}
    var = Path(tempfile.mkdtemp(prefix="bench-widget-"))
    ports = {name: free_port() for name in ("rasa_port", "action_port", "intake_port", "portal_port",
                                            "wechat_standin_port")}
    settings = Settings(var_dir=var, **ports)
    stack = Stack(settings, ensure_model(settings, allow_training=True))
    stack.start()
    results: Dict[str, Dict[str, List[Dict[str, Any]]]] = {v.name: {w: [] for w in widgets} for v in views}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # A first conversation nobody counts: the model and the caches warm up.
            Person(browser, settings.portal_url, views[0], widgets["this"]).converse()
            for i in range(runs):
                for view in views:
                    for name in (list(widgets) if i % 2 == 0 else list(reversed(widgets))):
                        person = Person(browser, settings.portal_url, view, widgets[name])
                        try:
                            results[view.name][name].append(person.converse())
                        finally:
                            person.close()
            browser.close()
    finally:
        stack.stop()
    figures = {}
    for view, by_widget in results.items():
        for name, conversations in by_widget.items():
            turns = [t for c in conversations for t in c["turns"]]
            figures[f"{view} / {name}"] = {
                "conversations": len(conversations),
                "ready": summary([c["ready_ms"] for c in conversations]),
                "first_reply": summary([c["first_ms"] for c in conversations]),
                "turn": summary([t["turn_ms"] for t in turns]),
                "reply_wait": summary([t["reply_ms"] for t in turns]),
                "widget": summary([t["widget_ms"] for t in turns]),
            }
    return {"runs": runs, "baseline": baseline, "figures": figures}


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench widget")
    parser.add_argument("--runs", type=int, default=5, help="conversations per view and widget")
    parser.add_argument("--baseline", default="main", help="git revision whose widget to compare with")
    parser.add_argument("--views", default=",".join(VIEWS), help="comma-separated: " + ", ".join(VIEWS))
    args = parser.parse_args(argv)
    record = run(args.runs, args.baseline, [VIEWS[v] for v in args.views.split(",")])
    heading("widget in Chromium: first bot message and per-turn time (ms)")
    rows = []
    for key, f in record["figures"].items():
        rows.append([key, f["conversations"], f["ready"]["p50_ms"], f["first_reply"]["p50_ms"],
                     f["first_reply"]["max_ms"], f["turn"]["n"], f["turn"]["p50_ms"], f["turn"]["p95_ms"],
                     f["turn"]["max_ms"], f["reply_wait"]["p50_ms"], f["widget"]["p50_ms"], f["widget"]["p95_ms"]])
    table(rows, ["view / widget", "runs", "ready p50", "1st reply p50", "1st max", "turns", "turn p50", "turn p95",
                 "turn max", "REST p50", "widget p50", "widget p95"])
    path = write_record("widget", record)
    print(f"\nwritten: {path}")
    return record


if __name__ == "__main__":
    main()
