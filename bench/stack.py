"""Whole-stack latency: HTTP → Rasa → action server → engine → reply, ours against stock Rasa.

`python -m bench stack [--conversations 20] [--turns 45] [--rounds 2] [--concurrency 20]
                       [--skip-stock] [--skip-train] [--retrain-stock] [--no-tracker-variant]
                       [--no-profile] [--profile-conversations 8]`

1. Training: `make train` (our config.yml) forced into a temporary models dir, timed; the stock
   model (bench/stock_config.yml: the default DIET + TED pipeline and policies with
   JiebaTokenizer) is trained with ensure_model(..., prefix="stock") when missing (timed then;
   its fingerprint covers data/, so any data change means a retrain of several minutes).
2. Start-up: the real stack (bot.launcher.stack.Stack: intake API, action server, portal, Rasa)
   on free ports, each service's time to healthy. Then more Rasa servers on the same action
   server, each started with the launcher's own Rasa command and environment (same REST
   channel and action endpoint; one Sanic worker each), with its own endpoints file:
   - "stock": the stock model with Rasa's stock stores (SQLTrackerStore on SQLite, the
     in-memory lock store) — Rasa as it is usually deployed; the throughput target is
     measured against this one;
   - "ours-sql-tracker": our model with Rasa's SQLTrackerStore instead of our turn-only
     tracker store (bot/trackers/turn_store.py), for reference: the measurement behind the
     choice of tracker store (per-turn latency, and its growth over 40 turns).
3. Conversations over the REST channel, as a widget holds them: a seeded, reply-driven mix of
   greetings, needs in free text (routing), bundle choice, answers by button and typed,
   why, go back, change an answer, materials so far, chit-chat, and start over when a bundle's
   questionnaire is finished — the same seeds for every server.
   - sequential: one conversation at a time, `--turns` turns each; p50/p99 per turn; p50 at turn
     3 vs turn 40 (both are "choose the bundle just routed to": turns 38–39 of every conversation
     are start over + a new need, like turns 1–2 are a greeting + a need);
   - concurrent: `--concurrency` conversations at once, closed loop (each sends its next message
     when the reply arrives): throughput (turns/s) and p99.
   Rounds alternate between the servers so that drift on this shared machine hits all alike.
   The client runs on the same two cores.
4. Memory: VmRSS (and peak VmHWM) of each process and its descendants (Sanic workers).
5. Where the time goes: CPU time per turn of every process while each server was measured
   (/proc/<pid>/stat), and a cProfile pass per model — a 1-worker Rasa server and its own
   action server run under bench.profiled, profiling only the measured turns — summed by area
   (NLU featurizers and classifier, TensorFlow, policies, trackers, HTTP, our code…).

Targets (issue 10, P6): sequential p50 ≤ 15 ms, p99 ≤ 40 ms; p50(turn 40) ≤ 1.5 × p50(turn 3);
at 20 concurrent, throughput ≥ 3.5 × stock and p99 ≤ 150 ms. Training (`make train`) < 3 min."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bench.common import (
    ROOT,
    descendants,
    heading,
    percentile,
    process_name,
    summary_ms,
    table,
    verdict,
    write_record,
)

STOCK_CONFIG = ROOT / "bench" / "stock_config.yml"
PROBE_EARLY, PROBE_LATE = 3, 40
TARGET_SEQ_P50_MS = 15.0
TARGET_SEQ_P99_MS = 40.0
TARGET_GROWTH = 1.5
TARGET_THROUGHPUT_RATIO = 3.5
TARGET_CONC_P99_MS = 150.0
TARGET_TRAIN_S = 180.0

GREETINGS = ["你好", "您好", "在吗", "你好，想咨询点事"]
WHY = ["为什么要问这个", "问这个干啥", "这个和我要办的事有关系吗"]
BACK = ["上一步", "返回上一题", "/go_back"]
CHANGE = ["/change_answer", "我想改一下前面的答案"]
MATERIALS = ["现在要带哪些材料", "到目前为止要准备什么材料", "/ask_materials"]
CHITCHAT = ["你是机器人吗", "谢谢你", "今天天气怎么样", "你叫啥名字", "好的我知道了"]
RESTART = ["重新开始", '/start_over{"confirmed":true}']
YES_NO = ["是的", "对", "有", "没有", "不是"]
DATES = ["2024年3月5日", "去年三月", "3月5号", "2025-10-01"]
NUMBERS = ["3", "三", "12", "120", "1"]


# == the conversation script ===================================================================


class Script:
    """Decides each turn's message from the previous reply, with a seeded random mix."""

    def __init__(self, seed: int, needs: List[str], turns: int) -> None:
        self.rng = random.Random(seed)
        self.needs = needs
        self.turns = turns
        self.finished = False  # the questionnaire ended (form stage): start over next

    def _need(self) -> Tuple[str, str]:
        return "route", self.rng.choice(self.needs)

    def next(self, n: int, last: List[Dict[str, Any]]) -> Tuple[str, str]:
        rng = self.rng
        customs = {(m.get("custom") or {}).get("type"): m["custom"] for m in last if m.get("custom")}
        buttons = [b for m in last for b in (m.get("buttons") or [])]
        if n == 1:
            return "greet", rng.choice(GREETINGS)
        if n == PROBE_LATE - 2:
            self.finished = False
            return "start_over", '/start_over{"confirmed":true}'  # confirmed: the answers go
        if n == PROBE_LATE - 1:
            return self._need()
        if "form" in customs or "bundle" in customs:
            self.finished = True
        if "question" in customs or "bundle_choice" in customs:
            self.finished = False
        change = [b for b in buttons if b["payload"].startswith("/change_answer{")]
        if change:
            return "change_pick", rng.choice(change)["payload"]
        choose = [b for b in buttons if b["payload"].startswith("/choose_bundle")]
        if choose and "question" not in customs:
            return "choose", choose[0]["payload"]
        if self.finished:
            self.finished = False
            return "start_over", rng.choice(RESTART)
        question = customs.get("question")
        if question is None:
            return self._need()
        roll = rng.random()
        answer_buttons = [b for b in buttons if b["payload"].startswith("/answer")]
        if roll < 0.50 and answer_buttons:
            return "answer_button", rng.choice(answer_buttons)["payload"]
        if roll < 0.70:
            return "answer_text", self._typed(question)
        for limit, kind, phrases in (
            (0.77, "why", WHY),
            (0.83, "go_back", BACK),
            (0.88, "change", CHANGE),
            (0.94, "materials", MATERIALS),
        ):
            if roll < limit:
                return kind, rng.choice(phrases)
        return "chitchat", rng.choice(CHITCHAT)

    def _typed(self, question: Dict[str, Any]) -> str:
        kind = question.get("kind")
        options = question.get("options") or []
        if kind in ("single", "multi") and options:
            return self.rng.choice(options)["label"]
        if kind == "yesno":
            return self.rng.choice(YES_NO)
        if kind == "date":
            return self.rng.choice(DATES)
        if kind == "number":
            return self.rng.choice(NUMBERS)
        return "暂时没有"


@dataclass
class TurnRecord:
    server: str
    mode: str
    conversation: str
    n: int
    kind: str
    seconds: float
    status: int
    sent: str = ""
    reply: str = ""  # the reply's custom types and the start of its first text, for the record
    start: float = 0.0  # perf_counter (the system's monotonic clock) when the message was sent


@dataclass
class Server:
    name: str
    url: str
    records: List[TurnRecord] = field(default_factory=list)


def _gist(messages: List[Dict[str, Any]]) -> str:
    types = [(m.get("custom") or {}).get("type") for m in messages if m.get("custom")]
    text = next((m.get("text", "") for m in messages if m.get("text")), "")
    return f"{'+'.join(t for t in types if t) or '-'} | {text[:40]}".replace("\n", " ")


async def _conversation(
    session,
    server: Server,
    mode: str,
    sender: str,
    script: Script,
    turns: int,
    out: List[TurnRecord],
) -> None:
    last: List[Dict[str, Any]] = []
    # A conversation begins with its session, as the widget's does (not timed as a turn).
    async with session.post(server.url.rsplit("/webhook", 1)[0] + "/session", json={"channel": "web"}) as resp:
        granted = await resp.json()
    sender, headers = granted["conversation_id"], {"Authorization": f"Bearer {granted['session_token']}"}
    for n in range(1, turns + 1):
        kind, message = script.next(n, last)
        body = {"sender": sender, "message": message, "metadata": {"channel": "web"}}
        t0 = time.perf_counter()
        try:
            async with session.post(server.url, json=body, headers=headers) as resp:
                raw = await resp.read()
                status = resp.status
        except Exception:  # noqa: BLE001 - a failed turn is recorded, the run goes on
            raw, status = b"[]", 599
        elapsed = time.perf_counter() - t0
        try:
            last = json.loads(raw) if status == 200 else []
        except ValueError:
            last = []
        if not isinstance(last, list):
            last = []
        gist = _gist(last)
        out.append(TurnRecord(server.name, mode, sender, n, kind, elapsed, status, message, gist, t0))


async def _run_batch(
    server: Server,
    mode: str,
    seeds: List[int],
    needs: List[str],
    turns: int,
    concurrency: int,
    tag: str,
) -> Tuple[List[TurnRecord], float]:
    import aiohttp

    out: List[TurnRecord] = []
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=max(concurrency, 1) + 4)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        queue = list(seeds)

        async def worker() -> None:
            # One worker is the sequential run: each conversation starts when the last ended.
            while queue:
                seed = queue.pop(0)
                await _conversation(
                    session,
                    server,
                    mode,
                    f"bench-{tag}-{server.name}-{seed}",
                    Script(seed, needs, turns),
                    turns,
                    out,
                )

        await asyncio.gather(*(worker() for _ in range(max(concurrency, 1))))
        wall = time.perf_counter() - started
    return out, wall


# == processes =================================================================================


def _memory(processes: Dict[str, int]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name, pid in processes.items():
        pids = [pid] + descendants(pid)
        per = []
        for p in pids:
            status = _status(p)
            per.append(
                {
                    "pid": p,
                    "cmd": process_name(p),
                    "rss_mb": round(status.get("VmRSS", 0) / 1024, 1),
                    "hwm_mb": round(status.get("VmHWM", 0) / 1024, 1),
                }
            )
        out[name] = {
            "rss_mb": round(sum(x["rss_mb"] for x in per), 1),
            "hwm_mb": round(sum(x["hwm_mb"] for x in per), 1),
            "processes": per,
        }
    return out


def _status(pid: int) -> Dict[str, int]:
    values: Dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])
    except (OSError, ValueError):
        pass
    return values


def _time_make_train(tmp: Path, cold_cache: bool) -> Dict[str, Any]:
    """`make train` into an empty models dir. Rasa also keeps a training cache (.rasa/cache)
    that lets unchanged components skip training: `cold_cache` points it at an empty folder."""
    models = tmp / f"models-make-train-{'cold' if cold_cache else 'warm'}"
    models.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BOT_MODELS_DIR": str(models)}
    if cold_cache:
        env["RASA_CACHE_DIRECTORY"] = str(tmp / "empty-rasa-cache")
    started = time.perf_counter()
    proc = subprocess.run(["make", "train"], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    trained = [line for line in proc.stdout.splitlines() if "trained in" in line]
    return {
        "wall_s": round(wall, 1),
        "exit_code": proc.returncode,
        "output_tail": proc.stdout.splitlines()[-4:] + proc.stderr.splitlines()[-4:],
        "trained_line": trained[-1] if trained else None,
        "model_files": [p.name for p in models.glob("*.tar.gz")],
    }


def _cpu(pids: Dict[str, int]) -> Dict[str, float]:
    """CPU seconds (user + system) used so far by each process and its live descendants,
    and by this client process."""
    tick = os.sysconf("SC_CLK_TCK")
    out: Dict[str, float] = {}
    for name, pid in pids.items():
        total = 0.0
        for p in [pid] + descendants(pid):
            try:
                with open(f"/proc/{p}/stat", encoding="ascii") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, ValueError, IndexError):
                continue
        out[name] = total
    times = os.times()
    out["benchmark client"] = times.user + times.system
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            ticks = [int(x) for x in handle.readline().split()[1:]]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
        out["_machine_total"] = sum(ticks[:8]) / tick
        out["_machine_busy"] = (sum(ticks[:8]) - idle) / tick
    except (OSError, ValueError, IndexError):
        pass
    return out


def _add_cpu(cpu, server: str, mode: str, before, after, turns: int) -> None:
    slot = cpu.setdefault(server, {}).setdefault(mode, {"turns": 0})
    slot["turns"] += turns
    for name in after:
        slot[name] = slot.get(name, 0.0) + after[name] - before.get(name, 0.0)


def _cpu_per_turn(cpu) -> Dict[str, Any]:
    """CPU milliseconds per turn of every process while one server was being measured."""
    out: Dict[str, Any] = {}
    for server, modes in cpu.items():
        out[server] = {}
        for mode, slot in modes.items():
            turns = slot["turns"] or 1
            out[server][mode] = {
                name: round(1000 * seconds / turns, 2)
                for name, seconds in slot.items()
                if name != "turns" and not name.startswith("_") and seconds > 0.0005 * turns
            }
            if slot.get("_machine_total"):
                ours = sum(v for k, v in slot.items() if k != "turns" and not k.startswith("_"))
                out[server][mode]["other processes on the machine"] = round(
                    1000 * max(0.0, slot["_machine_busy"] - ours) / turns, 2
                )
                out[server][mode]["machine busy %"] = round(100 * slot["_machine_busy"] / slot["_machine_total"], 1)
    return out


def _train_stock(settings, retrain: bool) -> Tuple[Path, Optional[float]]:
    from bot.launcher.model import ensure_model, model_path

    path = model_path(settings, STOCK_CONFIG, "stock")
    if retrain and path.is_file():
        path.unlink()
    if path.is_file():
        return path, None
    print("  training the stock model (DIET 100 + TED 100 epochs; several minutes) …", flush=True)
    saved = os.environ.get("RASA_CACHE_DIRECTORY")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-rasa-cache-") as cache:
        if retrain:  # a true training time: Rasa's training cache starts empty
            os.environ["RASA_CACHE_DIRECTORY"] = cache
        try:
            ensure_model(settings, config=STOCK_CONFIG, prefix="stock", allow_training=True, echo=False)
        finally:
            if saved is None:
                os.environ.pop("RASA_CACHE_DIRECTORY", None)
            else:
                os.environ["RASA_CACHE_DIRECTORY"] = saved
    return path, round(time.perf_counter() - started, 1)


def _endpoints(settings, var_dir: Path, name: str, tracker: str) -> Path:
    """An endpoints file like ours, with the chosen tracker store: "turn" (ours) or "sql"
    (Rasa's SQLTrackerStore on a SQLite file of its own)."""
    import yaml

    stores = {
        "turn": {"type": "bot.trackers.turn_store.TurnTrackerStore"},
        "sql": {"type": "SQL", "dialect": "sqlite", "db": str(var_dir / f"{name}-trackers.db")},
    }
    path = var_dir / f"{name}-endpoints.yml"
    path.write_text(yaml.safe_dump({
        "action_endpoint": {"url": settings.action_url, "token": settings.action_token,
                            "enable_selective_domain": True},
        "tracker_store": stores[tracker],
    }), encoding="utf-8")
    return path


def _variant_process(settings, model: Path, port: int, var_dir: Path, name: str, tracker: str):
    """The launcher's own Rasa server command with another model or tracker store, on another port."""
    from bot.launcher.process import Process
    from bot.launcher.stack import child_env, services_for

    ours = settings.copy(update={"rasa_port": port})
    service = next(s for s in services_for(ours, model) if s.name == "Rasa server")
    argv = list(service.argv)
    argv[argv.index("--endpoints") + 1] = str(_endpoints(settings, var_dir, name, tracker))
    return Process(
        name=f"{name} Rasa server",
        argv=argv,
        health_url=f"http://{settings.host}:{port}{service.health_path}",
        env=child_env(ours),
        cwd=ROOT,
        log_path=var_dir / f"{name}-rasa.log",
    )


# == profiles ==================================================================================

# Where a turn's CPU goes, by the file each function lives in (own time, not cumulative).
AREAS = [
    ("tensorflow / keras (DIET, TED)", ("tensorflow", "keras")),
    ("sklearn / scipy / numpy (featurizers, classifier)", ("sklearn", "scipy", "numpy")),
    ("jieba", ("jieba",)),
    ("rasa NLU components", ("rasa/nlu",)),
    ("rasa graph engine / policies", ("rasa/engine", "rasa/core/policies", "rasa/graph")),
    ("rasa trackers, events, domain", ("rasa/shared/core", "rasa/core/tracker", "rasa/core/lock")),
    ("rasa processor, agent, channels, actions", ("rasa/core", "rasa/server", "rasa/utils")),
    ("rasa other", ("rasa/",)),
    ("rasa_sdk (action server framework)", ("rasa_sdk",)),
    ("our code (bot/, actions/)", ("/work/main/bot", "/work/main/actions")),
    ("pydantic", ("pydantic",)),
    (
        "HTTP: sanic, aiohttp, httptools, websockets",
        ("sanic", "aiohttp", "httptools", "websockets", "multidict", "yarl"),
    ),
    ("asyncio / selectors / socket", ("asyncio", "selectors", "socket", "ssl")),
    ("json / jsonschema / copy / sqlite", ("json", "copy", "sqlite", "jsonschema")),
]


def _areas(stats) -> List[Tuple[str, float]]:
    totals: Dict[str, float] = {}
    for (filename, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        key = "other (builtins, stdlib)"
        where = filename if filename != "~" else func
        for area, needles in AREAS:
            if any(n in where for n in needles):
                key = area
                break
        totals[key] = totals.get(key, 0.0) + tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


def _top(stats, sort: str, n: int = 25) -> str:
    import io
    import pstats

    out = io.StringIO()
    pstats.Stats(str(stats), stream=out).sort_stats(sort).print_stats(n)
    lines = [
        line.replace(str(ROOT) + "/", "").replace(".venv/lib/python3.11/site-packages/", "")
        for line in out.getvalue().splitlines()
        if line.strip()
    ]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(lines[start:])


def _profile_pair(
    settings, model: Path, var_dir: Path, name: str, needs: List[str], turns: int, conversations: int
) -> Dict[str, Any]:
    """A Rasa server (one worker) and its own action server, both under cProfile (bench.profiled:
    on for the measured turns only); sequential conversations through them. Returns per-turn
    figures: own time by area and the top functions."""
    import pstats
    import sys

    from bot.launcher.process import Process, free_port
    from bot.launcher.stack import child_env, services_for

    ports = {"rasa_port": free_port(), "action_port": free_port()}
    prof = settings.copy(update=ports)
    env = child_env(prof)
    services = {s.name: s for s in services_for(prof, model)}
    out_files = {
        "Rasa server": var_dir / f"prof-{name}-rasa.prof",
        "action server": var_dir / f"prof-{name}-action.prof",
    }
    processes = []
    for service_name in ("action server", "Rasa server"):
        service = services[service_name]
        argv = list(service.argv)
        assert argv[1] == "-m", argv
        argv = [sys.executable, "-m", "bench.profiled", str(out_files[service_name])] + argv[2:]
        processes.append(
            Process(
                name=f"profiled {name} {service_name}",
                argv=argv,
                health_url=f"http://{prof.host}:{service.port}{service.health_path}",
                env=env,
                cwd=ROOT,
                log_path=var_dir / f"prof-{name}-{service_name.split()[0]}.log",
            )
        )
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_healthy(prof.startup_timeout_s)
        server = Server(name, f"{prof.rasa_url}/webhooks/rest/webhook")
        asyncio.run(_run_batch(server, "warmup", [990001], needs, 20, 1, "pw"))
        for process in processes:
            os.kill(process.pid, signal.SIGUSR1)
        time.sleep(0.5)
        seeds = [7000 + i for i in range(conversations)]
        out, wall = asyncio.run(_run_batch(server, "profile", seeds, needs, turns, 1, "prof"))
        for process in processes:
            os.kill(process.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(p.is_file() for p in out_files.values()):
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        for process in reversed(processes):
            process.stop(timeout_s=60)
    result: Dict[str, Any] = {
        "turns": len(out),
        "wall_s": round(wall, 2),
        "p50_ms_under_profiler": _p50_ms([r.seconds for r in out]),
    }
    for service_name, path in out_files.items():
        if not path.is_file():
            result[service_name] = {"error": "no profile written"}
            continue
        stats = pstats.Stats(str(path))
        per_turn = 1000.0 / max(1, len(out))
        result[service_name] = {
            "total_cpu_ms_per_turn": round(stats.total_tt * per_turn, 2),
            "areas_ms_per_turn": [(a, round(t * per_turn, 3)) for a, t in _areas(stats)],
            "top_own_time": _top(path, "tottime"),
            "top_cumulative": _top(path, "cumulative", 40),
        }
    return result


def _gc_probe(settings, model: Path, var_dir: Path, needs: List[str], turns: int, concurrency: int) -> Dict[str, Any]:
    """Our Rasa server (one worker) again, under bench.profiled --gc-log: one concurrent round,
    every garbage-collector pause logged; are the slow turns the ones a GC pause overlapped?"""
    import sys

    from bot.launcher.process import Process, free_port
    from bot.launcher.stack import child_env, services_for

    probe = settings.copy(update={"rasa_port": free_port()})
    env = child_env(probe)
    service = next(s for s in services_for(probe, model) if s.name == "Rasa server")
    log = var_dir / "gc-probe.json"
    argv = [sys.executable, "-m", "bench.profiled", "--gc-log", str(log)] + list(service.argv[2:])
    process = Process(
        name="gc-probe Rasa server",
        argv=argv,
        health_url=f"http://{probe.host}:{probe.rasa_port}{service.health_path}",
        env=env,
        cwd=ROOT,
        log_path=var_dir / "gc-probe-rasa.log",
    )
    try:
        process.start()
        process.wait_healthy(probe.startup_timeout_s)
        server = Server("gc-probe", f"{probe.rasa_url}/webhooks/rest/webhook")
        asyncio.run(_run_batch(server, "warmup", [990101, 990102, 990103], needs, 20, 1, "gw"))
        os.kill(process.pid, signal.SIGUSR1)
        seeds = [80000 + i for i in range(concurrency)]
        out, wall = asyncio.run(_run_batch(server, "concurrent", seeds, needs, turns, concurrency, "gc"))
        os.kill(process.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not log.is_file():
            time.sleep(0.2)
        time.sleep(0.3)
    finally:
        process.stop()
    pauses = json.loads(log.read_text()) if log.is_file() else []
    threshold = TARGET_CONC_P99_MS / 1000.0
    slow = [r for r in out if r.seconds > threshold]
    big = [p for p in pauses if p["seconds"] >= 0.02]

    def overlaps(r: TurnRecord) -> bool:
        return any(p["start"] < r.start + r.seconds and p["start"] + p["seconds"] > r.start for p in big)

    by_gen: Dict[str, Any] = {}
    for gen in sorted({p["generation"] for p in pauses}):
        these = [p["seconds"] * 1000 for p in pauses if p["generation"] == gen]
        by_gen[str(gen)] = {"count": len(these), "total_ms": round(sum(these), 1), "max_ms": round(max(these), 1)}
    return {
        "turns": len(out),
        "throughput_tps": round(len(out) / wall, 1) if wall else None,
        "latency": _stats(out),
        "gc_pauses_by_generation": by_gen,
        "gc_pauses_over_20ms": len(big),
        "gc_time_share": round(sum(p["seconds"] for p in pauses) / wall, 4) if wall else None,
        "slow_turns": len(slow),
        "slow_turns_overlapping_a_gc_pause_over_20ms": sum(1 for r in slow if overlaps(r)),
        "slow_episodes": _episodes(out, threshold),
    }


# == analysis ==================================================================================


def _stats(records: List[TurnRecord]) -> Dict[str, Any]:
    ok = [r.seconds for r in records if r.status == 200]
    return {**summary_ms(ok), "errors": sum(1 for r in records if r.status != 200)}


def _p50_ms(values: List[float]) -> float:
    return round(percentile(values, 50) * 1000, 3) if values else float("nan")


def _episodes(records: List[TurnRecord], threshold_s: float) -> Dict[str, Any]:
    """Turns slower than `threshold_s`, grouped into episodes of overlapping turns: a few
    episodes holding many slow turns mean stalls that hit every conversation in flight at once
    (a GC pause, the process losing its CPU), not a steadily long queue."""
    slow = sorted((r.start, r.start + r.seconds) for r in records if r.seconds > threshold_s)
    episodes: List[List[float]] = []
    for begin, end in slow:
        if episodes and begin <= episodes[-1][1]:
            episodes[-1][1] = max(episodes[-1][1], end)
            episodes[-1][2] += 1
        else:
            episodes.append([begin, end, 1])
    return {
        "threshold_ms": round(threshold_s * 1000),
        "slow_turns": len(slow),
        "share": round(len(slow) / len(records), 4) if records else None,
        "episodes": len(episodes),
        "largest_episode_turns": max((int(e[2]) for e in episodes), default=0),
    }


def _analyse(records: List[TurnRecord], walls: Dict[str, List[Tuple[int, float]]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for server in sorted({r.server for r in records}):
        seq = [r for r in records if r.server == server and r.mode == "sequential"]
        conc = [r for r in records if r.server == server and r.mode == "concurrent"]
        early = [r.seconds for r in seq if r.n == PROBE_EARLY and r.status == 200]
        late = [r.seconds for r in seq if r.n == PROBE_LATE and r.status == 200]
        win_early = [r.seconds for r in seq if 1 <= r.n <= 5 and r.status == 200]
        win_late = [r.seconds for r in seq if 36 <= r.n <= 45 and r.status == 200]
        kinds: Dict[str, Any] = {}
        for kind in sorted({r.kind for r in seq}):
            values = [r.seconds for r in seq if r.kind == kind and r.status == 200]
            kinds[kind] = {"n": len(values), "p50_ms": _p50_ms(values)}
        routes = [r for r in seq + conc if r.kind == "route" and r.status == 200]
        routed = sum(1 for r in routes if "bundle_choice" in r.reply)
        probe_kinds = {n: sorted({r.kind for r in seq if r.n == n}) for n in (PROBE_EARLY, PROBE_LATE)}
        turns_done = sum(n for n, _ in walls.get(server, []))
        wall = sum(w for _, w in walls.get(server, []))
        out[server] = {
            "sequential": _stats(seq),
            "turn3_p50_ms": _p50_ms(early),
            "turn40_p50_ms": _p50_ms(late),
            "turn40_over_turn3": round(percentile(late, 50) / percentile(early, 50), 3) if early and late else None,
            "probe_samples": len(early),
            "probe_kinds": probe_kinds,
            "turns1_5_p50_ms": _p50_ms(win_early),
            "turns36_45_p50_ms": _p50_ms(win_late),
            "turns36_45_over_1_5": round(percentile(win_late, 50) / percentile(win_early, 50), 3)
            if win_early and win_late
            else None,
            "by_kind": kinds,
            "route_turns": len(routes),
            "route_turns_offering_bundles": round(routed / len(routes), 3) if routes else None,
            "concurrent": _stats(conc),
            "concurrent_throughput_tps": round(turns_done / wall, 2) if wall else None,
            "concurrent_slow_turns": _episodes(conc, TARGET_CONC_P99_MS / 1000.0),
            "concurrent_rounds": [
                {"turns": n, "wall_s": round(w, 2), "tps": round(n / w, 2)} for n, w in walls.get(server, [])
            ],
        }
    return out


# == the benchmark =============================================================================


def run(
    conversations: int = 20,
    turns: int = 45,
    rounds: int = 2,
    concurrency: int = 20,
    skip_stock: bool = False,
    skip_train: bool = False,
    retrain_stock: bool = False,
    profile: bool = True,
    tracker_variant: bool = True,
    profile_conversations: int = 8,
    gc_probe: bool = True,
) -> Dict[str, Any]:
    from bench.catalogue_gen import holdout
    from bot.launcher.model import ensure_model
    from bot.launcher.process import free_port
    from bot.launcher.stack import Stack
    from bot.settings import Settings

    heading("stack: HTTP → Rasa → action server → engine → reply")
    turns = max(turns, PROBE_LATE + 2)
    record: Dict[str, Any] = {
        "conversations_per_round": conversations,
        "turns_per_conversation": turns,
        "rounds": rounds,
        "concurrency": concurrency,
    }
    needs = [u for us in holdout().values() for u in us]

    with tempfile.TemporaryDirectory(prefix="bench-stack-") as tmp_name:
        tmp = Path(tmp_name)
        if not skip_train:
            for label, cold in (("cold Rasa cache", True), ("warm Rasa cache", False)):
                print(f"  timing `make train` into an empty models dir, {label} …", flush=True)
                timing = _time_make_train(tmp, cold)
                record["make_train" if cold else "make_train_warm_cache"] = timing
                print(
                    f"  make train ({label}): {timing['wall_s']} s (exit {timing['exit_code']}; "
                    f"{timing['trained_line']})",
                    flush=True,
                )
        base = Settings()
        model = ensure_model(base, allow_training=True, echo=False)
        stock_model, stock_train_s = (None, None) if skip_stock else _train_stock(base, retrain_stock)
        record["models"] = {
            "ours": model.name,
            "stock": stock_model.name if stock_model else None,
            "stock_trained_now_s": stock_train_s,
        }

        ports = {name: free_port() for name in ("rasa_port", "action_port", "intake_port", "portal_port")}
        settings = Settings(
            var_dir=tmp / "var",
            **ports,
        )
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        stack = Stack(settings, model)
        settings = stack.settings  # with this installation's secrets
        stocks: list = []
        variants = [("stock", stock_model, "sql")] if stock_model is not None else []
        if tracker_variant:
            variants.append(("ours-sql-tracker", model, "sql"))
        record["tracker_stores"] = {"ours": "turn", **{n: t for n, _, t in variants}}
        try:
            print("  starting the stack …", flush=True)
            stack.start()
            record["startup_s"] = {k: round(v, 2) for k, v in stack.ready_after_s.items()}
            servers = [Server("ours", f"{settings.rasa_url}/webhooks/rest/webhook")]
            pids = {p.name: p.pid for p in stack.processes}
            for name, variant_model, tracker in variants:
                port = free_port()
                process = _variant_process(settings, variant_model, port, settings.var_dir, name, tracker)
                started = time.monotonic()
                process.start()
                stocks.append(process)
                process.wait_healthy(settings.startup_timeout_s)
                record["startup_s"][f"{process.name} (alone, after ours)"] = round(time.monotonic() - started, 2)
                servers.append(Server(name, f"http://{settings.host}:{port}/webhooks/rest/webhook"))
                pids[process.name] = process.pid
            record["memory_after_start"] = _memory(pids)

            records: List[TurnRecord] = []
            cpu: Dict[str, Dict[str, Dict[str, float]]] = {}
            walls: Dict[str, List[Tuple[int, float]]] = {}
            print("  warming up …", flush=True)
            for server in servers:
                asyncio.run(_run_batch(server, "warmup", [900001, 900002, 900003], needs, 20, 1, "warm"))
            for r in range(rounds):
                for server in servers:
                    seeds = [1000 * (r + 1) + i for i in range(conversations)]
                    print(
                        f"  round {r + 1}/{rounds}: {server.name}, "
                        f"{conversations} sequential conversations "
                        f"× {turns} turns …",
                        flush=True,
                    )
                    before = _cpu(pids)
                    out, _ = asyncio.run(_run_batch(server, "sequential", seeds, needs, turns, 1, f"s{r}"))
                    _add_cpu(cpu, server.name, "sequential", before, _cpu(pids), len(out))
                    records += out
            for r in range(rounds):
                for server in servers:
                    seeds = [50000 + 1000 * (r + 1) + i for i in range(concurrency)]
                    print(
                        f"  round {r + 1}/{rounds}: {server.name}, "
                        f"{concurrency} concurrent conversations "
                        f"× {turns} turns …",
                        flush=True,
                    )
                    before = _cpu(pids)
                    out, wall = asyncio.run(_run_batch(server, "concurrent", seeds, needs, turns, concurrency, f"c{r}"))
                    _add_cpu(cpu, server.name, "concurrent", before, _cpu(pids), len(out))
                    records += out
                    walls.setdefault(server.name, []).append((len(out), wall))
            record["memory_after_load"] = _memory(pids)
            record["cpu_ms_per_turn"] = _cpu_per_turn(cpu)
            if gc_probe and concurrency > 1:
                print("  GC probe: our Rasa server with every GC pause logged, one concurrent round …", flush=True)
                record["gc_probe"] = _gc_probe(settings, model, settings.var_dir, needs, turns, concurrency)
            if profile:
                targets = [("ours", model)] + ([("stock", stock_model)] if stock_model else [])
                record["profiles"] = {}
                for name, path in targets:
                    print(f"  profiling {name}: Rasa server and action server under cProfile …", flush=True)
                    record["profiles"][name] = _profile_pair(
                        settings, path, settings.var_dir, name, needs, turns, profile_conversations
                    )
        finally:
            for process in stocks:
                process.stop()
            stack.stop()

    results = _analyse(records, walls)
    record["results"] = results
    record["sample_transcripts"] = {}
    for name in results:
        seq = [r for r in records if r.server == name and r.mode == "sequential"]
        if seq:
            first = seq[0].conversation
            record["sample_transcripts"][name] = [
                f"{r.n:>2} {r.kind:<13} {r.seconds * 1000:6.1f} ms  {r.sent[:60]}  →  {r.reply}"
                for r in seq
                if r.conversation == first
            ]
    record["targets"] = _targets(results, record)
    _print(record)
    path = write_record("stack", record)
    print(f"\n  record: {path.relative_to(ROOT)}")
    return record


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or not b or a != a or b != b:
        return None
    return round(a / b, 3)


def _targets(results: Dict[str, Any], record: Dict[str, Any]) -> Dict[str, Any]:
    ours = results["ours"]
    targets = {
        "sequential_p50_ms": (
            ours["sequential"]["p50_ms"],
            f"<= {TARGET_SEQ_P50_MS}",
            verdict(ours["sequential"]["p50_ms"], TARGET_SEQ_P50_MS),
        ),
        "sequential_p99_ms": (
            ours["sequential"]["p99_ms"],
            f"<= {TARGET_SEQ_P99_MS}",
            verdict(ours["sequential"]["p99_ms"], TARGET_SEQ_P99_MS),
        ),
        "turn40_over_turn3_p50": (
            ours["turn40_over_turn3"],
            f"<= {TARGET_GROWTH}",
            verdict(ours["turn40_over_turn3"] or float("nan"), TARGET_GROWTH),
        ),
        "concurrent_p99_ms": (
            ours["concurrent"]["p99_ms"],
            f"<= {TARGET_CONC_P99_MS}",
            verdict(ours["concurrent"]["p99_ms"], TARGET_CONC_P99_MS),
        ),
    }
    for name, other in results.items():
        if not name.startswith("stock"):
            continue
        # Stock with Rasa's default one worker is the target; other stock variants are reference.
        label = f"concurrent_throughput_over_{name}" + ("" if name == "stock" else " (for reference)")
        ratio = _ratio(ours["concurrent_throughput_tps"], other["concurrent_throughput_tps"])
        targets[label] = (
            ratio,
            f">= {TARGET_THROUGHPUT_RATIO}",
            verdict(ratio if ratio is not None else float("nan"), TARGET_THROUGHPUT_RATIO, lower_is_better=False),
        )
    if record.get("make_train"):
        wall = record["make_train"]["wall_s"]
        targets["make_train_s"] = (wall, f"< {TARGET_TRAIN_S:.0f}", verdict(wall, TARGET_TRAIN_S))
    return {k: {"value": v, "target": t, "verdict": d} for k, (v, t, d) in targets.items()}


def _print(record: Dict[str, Any]) -> None:
    results = record["results"]
    names = list(results)
    if "make_train" in record:
        heading("training")
        mt = record["make_train"]
        print(
            f"  make train (our config, new model, empty Rasa training cache): {mt['wall_s']} s, "
            f"exit {mt['exit_code']}"
        )
        warm = record.get("make_train_warm_cache") or {}
        if warm:
            print(f"  make train (new model, Rasa training cache warm): {warm['wall_s']} s")
    if record["models"].get("stock_trained_now_s"):
        print(f"  stock model trained in this run: {record['models']['stock_trained_now_s']} s")
    heading("start-up: seconds from launch to healthy (the stack's four start together)")
    table(sorted(record["startup_s"].items(), key=lambda kv: kv[1]), ["service", "ready after (s)"])
    heading("memory per process (RSS incl. descendants, MB)")
    start, after = record["memory_after_start"], record["memory_after_load"]
    table(
        [
            (
                name,
                start[name]["rss_mb"],
                after[name]["rss_mb"],
                after[name]["hwm_mb"],
                len(after[name]["processes"]),
            )
            for name in start
        ],
        ["process", "after start", "after load", "peak (HWM)", "processes"],
    )

    others = [n for n in names if n != "ours"]

    def row(label: str, get) -> List[Any]:
        values = [get(results[n]) for n in names]
        ours = get(results["ours"])
        ratios = []
        for n in others:
            a, b = ours, get(results[n])
            ok = all(isinstance(x, (int, float)) for x in (a, b))
            ratio = _ratio(a, b) if ok else None
            ratios.append(ratio if ratio is not None else "-")
        return [label, *values, *ratios]

    heading("latency per turn (ms)")
    table(
        [
            row("sequential p50", lambda r: r["sequential"]["p50_ms"]),
            row("sequential p90", lambda r: r["sequential"]["p90_ms"]),
            row("sequential p99", lambda r: r["sequential"]["p99_ms"]),
            row("sequential mean", lambda r: r["sequential"]["mean_ms"]),
            row(
                "sequential turns / errors",
                lambda r: f"{r['sequential']['n']} / {r['sequential']['errors']}",
            ),
            row("p50 at turn 3", lambda r: r["turn3_p50_ms"]),
            row("p50 at turn 40", lambda r: r["turn40_p50_ms"]),
            row("turn 40 / turn 3", lambda r: r["turn40_over_turn3"]),
            row("p50 turns 1–5", lambda r: r["turns1_5_p50_ms"]),
            row("p50 turns 36–45", lambda r: r["turns36_45_p50_ms"]),
            row("need turns answered with bundle(s)", lambda r: r["route_turns_offering_bundles"]),
            row(
                f"{record['concurrency']} concurrent: turns/s",
                lambda r: r["concurrent_throughput_tps"],
            ),
            row(f"{record['concurrency']} concurrent: p50", lambda r: r["concurrent"]["p50_ms"]),
            row(f"{record['concurrency']} concurrent: p99", lambda r: r["concurrent"]["p99_ms"]),
            row(
                f"{record['concurrency']} concurrent: turns / errors",
                lambda r: f"{r['concurrent']['n']} / {r['concurrent']['errors']}",
            ),
        ],
        ["", *names, *[f"ours/{n}" for n in others]],
    )
    heading("sequential p50 by kind of turn (ms)")
    kinds = sorted({k for n in names for k in results[n]["by_kind"]})
    table(
        [
            [
                k,
                *[
                    f"{results[n]['by_kind'].get(k, {}).get('p50_ms', float('nan')):.1f} "
                    f"(n={results[n]['by_kind'].get(k, {}).get('n', 0)})"
                    for n in names
                ],
            ]
            for k in kinds
        ],
        ["kind", *names],
    )
    if record.get("cpu_ms_per_turn"):
        heading("where the time goes: CPU ms per turn of each process (while that server ran)")
        rows = []
        for server, modes in record["cpu_ms_per_turn"].items():
            for mode, per in modes.items():
                machine = per.get("machine busy %")
                busy = sorted(((k, v) for k, v in per.items() if k != "machine busy %"), key=lambda kv: -kv[1])
                rows.append(
                    (
                        f"{server} {mode}",
                        machine,
                        "; ".join(f"{name} {ms:.1f}" for name, ms in busy),
                    )
                )
        table(rows, ["measured server", "machine busy %", "CPU ms per turn by process"])
    for name, prof in (record.get("profiles") or {}).items():
        for service_name in ("Rasa server", "action server"):
            part = prof.get(service_name) or {}
            if "areas_ms_per_turn" not in part:
                continue
            heading(f"profile {name} {service_name}: {part['total_cpu_ms_per_turn']} ms per turn " "under cProfile")
            table([(a, t) for a, t in part["areas_ms_per_turn"] if t >= 0.05], ["area (own time)", "ms per turn"])
    slow_rows = [
        (
            name,
            r["concurrent_slow_turns"]["slow_turns"],
            r["concurrent_slow_turns"]["episodes"],
            r["concurrent_slow_turns"]["largest_episode_turns"],
        )
        for name, r in results.items()
        if r.get("concurrent_slow_turns")
    ]
    if slow_rows:
        heading(f"concurrent turns slower than {TARGET_CONC_P99_MS:.0f} ms: how clustered")
        table(slow_rows, ["server", "slow turns", "episodes (overlapping)", "largest episode"])
    probe = record.get("gc_probe")
    if probe:
        heading("GC probe: our Rasa server, one concurrent round, every GC pause logged")
        print(
            f"  {probe['turns']} turns, {probe['throughput_tps']} turns/s, p50 {probe['latency']['p50_ms']} ms, "
            f"p99 {probe['latency']['p99_ms']} ms; GC time {100 * (probe['gc_time_share'] or 0):.1f} % of the round"
        )
        table(
            [(g, v["count"], v["total_ms"], v["max_ms"]) for g, v in probe["gc_pauses_by_generation"].items()],
            ["generation", "pauses", "total ms", "longest ms"],
        )
        print(
            f"  turns over {TARGET_CONC_P99_MS:.0f} ms: {probe['slow_turns']}, of which overlapping a GC pause "
            f"≥ 20 ms: {probe['slow_turns_overlapping_a_gc_pause_over_20ms']}"
        )
    heading("targets")
    table(
        [(k, v["value"], v["target"], v["verdict"]) for k, v in record["targets"].items()],
        ["target", "measured", "goal", "verdict"],
    )


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench stack")
    parser.add_argument("--conversations", type=int, default=20, help="sequential conversations per round")
    parser.add_argument("--turns", type=int, default=45, help=f"turns per conversation (≥ {PROBE_LATE + 2})")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--skip-stock", action="store_true", help="measure our stack only")
    parser.add_argument("--skip-train", action="store_true", help="do not time `make train`")
    parser.add_argument("--retrain-stock", action="store_true", help="retrain (and time) the stock model")
    parser.add_argument(
        "--no-profile",
        action="store_true",
        help="skip the cProfile pass (a 1-worker Rasa server and an action server per model)",
    )
    parser.add_argument("--profile-conversations", type=int, default=8)
    parser.add_argument("--no-gc-probe", action="store_true", help="skip the GC-pause probe")
    parser.add_argument("--no-tracker-variant", action="store_true",
                        help="skip the reference server with our model on Rasa's SQLTrackerStore")
    args = parser.parse_args(argv)
    return run(
        conversations=args.conversations,
        turns=args.turns,
        rounds=args.rounds,
        concurrency=args.concurrency,
        skip_stock=args.skip_stock,
        skip_train=args.skip_train,
        retrain_stock=args.retrain_stock,
        profile=not args.no_profile,
        profile_conversations=args.profile_conversations,
        gc_probe=not args.no_gc_probe,
        tracker_variant=not args.no_tracker_variant,
    )


if __name__ == "__main__":
    main()
