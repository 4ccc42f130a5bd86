"""The cluster profile under load: 1 vs 2 Rasa servers behind nginx, at 20 and 50 concurrent
conversations, on PostgreSQL and Redis; CPU per turn of every process.

`python -m bench cluster [--turns 30] [--rounds 2] [--concurrency 20,50] [--action-servers 2]
                        [--no-failover]`

One cluster (bot/launcher/cluster.py: PostgreSQL, Redis, two Rasa servers, `--action-servers`
action servers, the portal, the intake service, nginx) on free ports; its start-up is timed.
Chat traffic goes to one Rasa server or to both, switched by reloading nginx
(Cluster.serve_with: the other server stays up, idle) so that both set-ups run on the same
processes, and rounds alternate between them so that drift on this shared machine hits both
alike. A round is `concurrency` conversations at once, each a closed loop of `--turns` turns
(the next message when the reply arrives) from the stack benchmark's seeded script
(bench/stack.py: routing, choosing, answering by button and in words, why, back, change, …),
through nginx as the widget talks. Per set-up and load: throughput (turns/s), p50/p99, errors
(non-200 or an apology instead of an answer), and CPU milliseconds per turn of every process
(/proc; the client runs on the same two cores) — what a bigger machine's capacity is estimated
from (docs/deploy.md). Last, failover: Rasa server 1 killed with SIGKILL under load, the
latency of the turns in flight at that moment and of those sent after it."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bench.common import ROOT, heading, machine, summary_ms, table, write_record
from bench.stack import Server, TurnRecord, _add_cpu, _cpu, _cpu_per_turn, _episodes, _run_batch

SETUPS = (1, 2)  # Rasa servers taking traffic
SLOW_S = 0.5


def _apologies() -> List[str]:
    from bot.catalogue.loader import load_messages

    messages = load_messages(ROOT / "rules")
    return [messages[k] for k in ("try_again_later", "conversation_busy")]


def _failed(record: TurnRecord, sorry: List[str]) -> bool:
    return record.status != 200 or any(text[:12] in record.reply for text in sorry)


def _nginx_errors(cluster) -> Dict[str, int]:
    """What nginx logged about the upstreams: failed or dropped connections (none expected)."""
    counts: Dict[str, int] = {}
    log = cluster.layout.data_dir / "nginx" / "error.log"
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []:
        if "upstream" in line:
            kind = line.split("] ", 1)[-1].split(",")[0].split(": ", 1)[-1][:80]
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def _failover(cluster, server, needs: List[str], turns: int, sorry: List[str]) -> Dict[str, Any]:
    """20 conversations at once; Rasa server 1 killed with SIGKILL one second in. Turns in
    flight at the kill are retried by nginx on the other server (answered once, after the dead
    server's ticket on their conversation expires); turns sent afterwards go to the live one."""
    import signal
    import threading

    print("  failover: 20 concurrent, Rasa server 1 killed with SIGKILL after 1 s …", flush=True)
    out: List[TurnRecord] = []
    worker = threading.Thread(target=lambda: out.extend(asyncio.run(
        _run_batch(Server("failover", server.url), "failover", list(range(700000, 700020)), needs, turns, 20,
                   "f"))[0]))
    worker.start()
    time.sleep(1.0)
    victim = cluster.process("Rasa server 1")
    killed_at = time.perf_counter()
    os.kill(victim.pid, signal.SIGKILL)
    worker.join()
    victim.start()
    victim.wait_healthy(180)
    in_flight = [r for r in out if r.start < killed_at < r.start + r.seconds]
    after = [r for r in out if r.start >= killed_at]
    first_after = sorted(after, key=lambda r: r.start)[:20]
    return {
        "turns": len(out), "errors": sum(1 for r in out if _failed(r, sorry)),
        "in_flight_at_kill": {**summary_ms([r.seconds for r in in_flight])},
        "first_20_sent_after_kill": {**summary_ms([r.seconds for r in first_after])},
        "all_sent_after_kill": {**summary_ms([r.seconds for r in after])},
    }


def run(turns: int = 30, rounds: int = 2, concurrency: Tuple[int, ...] = (20, 50),
        action_servers: int = 2, failover: bool = True) -> Dict[str, Any]:
    from bench.catalogue_gen import holdout
    from bot.launcher.cluster import Cluster, Layout
    from bot.launcher.model import ensure_model
    from bot.settings import Settings

    heading("cluster: 1 vs 2 Rasa servers behind nginx, on PostgreSQL and Redis")
    needs = [u for us in holdout().values() for u in us]
    record: Dict[str, Any] = {"turns_per_conversation": turns, "rounds": rounds, "concurrency": list(concurrency),
                              "action_servers": action_servers, "machine": machine()}
    model = ensure_model(Settings(), allow_training=True, echo=False)
    # Not under a 0700 folder: PostgreSQL runs as its own user and must reach its data.
    folder = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    os.chmod(folder, 0o755)
    cluster = Cluster(Settings(var_dir=folder), Layout.on_free_ports(folder, 2, action_servers), model)
    sorry = _apologies()
    try:
        print("  starting the cluster …", flush=True)
        started = time.monotonic()
        cluster.start()
        record["startup_s"] = round(time.monotonic() - started, 1)
        record["ready_after_s"] = {k: round(v, 2) for k, v in cluster.ready_after_s.items()}
        server = Server("nginx", f"{cluster.settings.public_url}/webhooks/rest/webhook")
        pids = {p.name: p.pid for p in cluster.processes}
        print("  warming up both Rasa servers …", flush=True)
        asyncio.run(_run_batch(server, "warmup", list(range(900001, 900009)), needs, 15, 8, "warm"))
        records: List[TurnRecord] = []
        walls: Dict[str, List[Tuple[int, float]]] = {}
        cpu: Dict[str, Dict[str, Dict[str, float]]] = {}
        for r in range(rounds):
            for load in concurrency:
                for servers in SETUPS:
                    label = f"{servers} Rasa server{'s' if servers > 1 else ''}"
                    cluster.serve_with(servers)
                    print(f"  round {r + 1}/{rounds}: {label}, {load} concurrent × {turns} turns …", flush=True)
                    seeds = [100_000 * servers + 1000 * (r + 1) + load * 10 + i for i in range(load)]
                    before = _cpu(pids)
                    out, wall = asyncio.run(_run_batch(Server(label, server.url), str(load), seeds, needs, turns,
                                                       load, f"r{r}"))
                    _add_cpu(cpu, label, str(load), before, _cpu(pids), len(out))
                    records += out
                    walls.setdefault(f"{label}|{load}", []).append((len(out), wall))
        cluster.serve_with(2)
        record["nginx_errors_under_load"] = _nginx_errors(cluster)
        if failover:
            record["failover"] = _failover(cluster, server, needs, turns, sorry)
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)

    results: Dict[str, Any] = {}
    for key, runs in walls.items():
        label, load = key.split("|")
        mine = [x for x in records if x.server == label and x.mode == load]
        ok = [x.seconds for x in mine if not _failed(x, sorry)]
        done, wall = sum(n for n, _ in runs), sum(w for _, w in runs)
        results[key] = {"setup": label, "concurrency": int(load), "throughput_tps": round(done / wall, 1),
                        **summary_ms(ok), "errors": sum(1 for x in mine if _failed(x, sorry)),
                        # Slow turns that overlap are one stall hitting every conversation in flight.
                        "slow_turns": _episodes(mine, SLOW_S),
                        "rounds": [{"turns": n, "tps": round(n / w, 1)} for n, w in runs]}
    record["results"] = results
    record["cpu_ms_per_turn"] = _cpu_per_turn(cpu)
    _print(record)
    path = write_record("cluster", record)
    print(f"\n  record: {path.relative_to(ROOT)}")
    return record


def _print(record: Dict[str, Any]) -> None:
    print(f"\n  cluster start-up to healthy: {record['startup_s']} s")
    table([(name, f"{seconds:.1f}") for name, seconds in record["ready_after_s"].items()],
          ["part", "healthy after (s)"])
    print()
    rows = [(v["setup"], v["concurrency"], v["throughput_tps"], v.get("p50_ms"), v.get("p99_ms"), v["errors"],
             f"{v['slow_turns']['slow_turns']} in {v['slow_turns']['episodes']}",
             " / ".join(str(r["tps"]) for r in v["rounds"]))
            for v in sorted(record["results"].values(), key=lambda v: (v["concurrency"], v["setup"]))]
    table(rows, ["set-up", "concurrent", "turns/s", "p50 ms", "p99 ms", "errors",
                 f"turns > {SLOW_S * 1000:.0f} ms in episodes", "turns/s by round"])
    print(f"\n  nginx upstream errors under load: {record.get('nginx_errors_under_load') or 'none'}")
    if record.get("failover"):
        f = record["failover"]
        print(f"\n  failover ({f['turns']} turns, {f['errors']} errors):")
        table([(name, f[key].get("n"), f[key].get("p50_ms"), f[key].get("max_ms"))
               for name, key in (("in flight at the kill", "in_flight_at_kill"),
                                 ("first 20 sent after it", "first_20_sent_after_kill"),
                                 ("all sent after it", "all_sent_after_kill"))],
              ["turns", "n", "p50 ms", "max ms"])
    for setup, loads in record["cpu_ms_per_turn"].items():
        for load, per in loads.items():
            per = dict(per)
            busy = per.pop("machine busy %", None)
            print(f"\n  CPU ms per turn, {setup}, {load} concurrent (machine busy {busy} %):")
            table(sorted(per.items(), key=lambda kv: -kv[1]), ["process", "ms/turn"])


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", default="20,50", help="comma-separated loads, e.g. 20,50")
    parser.add_argument("--action-servers", type=int, default=2)
    parser.add_argument("--no-failover", action="store_true", help="skip the SIGKILL failover run")
    args = parser.parse_args(argv or [])
    loads = tuple(int(x) for x in args.concurrency.split(",") if x.strip())
    return run(args.turns, args.rounds, loads, args.action_servers, not args.no_failover)


if __name__ == "__main__":
    main()
