"""Install time, cold and warm: `python -m bench install [--skip-cold] [--keep]`.

- warm: `make install` in this checkout with the stamp present (the lock files unchanged):
  the Makefile's stamp check and the browser check only; run 3 times, median reported.
- cold: the Makefile and requirements/ copied into an empty temporary folder and
  `make install` run there: a new .venv on the machine's python3.11, then every pinned
  package from the lock files (base.lock, then rasa.lock with --no-deps). Then `make install`
  once more in that folder (warm, in a fresh checkout).

What "cold" means here: no .venv, but pip's usual sources on this machine — its cache
(~/.cache/pip) and the local wheelhouse/index pip is configured with (pip config:
find-links /opt/wheels, extra-index-url file:///opt/pypi…). So wheels are copied, not
downloaded: a machine with an empty pip cache and only PyPI must also download the wheels
(the venv holds ~3 GB installed; tensorflow alone is a ~600 MB wheel), which this cannot measure
without the network and takes longer, depending on the link."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.common import ROOT, heading, table, write_record


def _make_install(cwd: Path) -> Dict[str, Any]:
    env = {**os.environ}
    env.pop("VIRTUAL_ENV", None)
    started = time.perf_counter()
    proc = subprocess.run(["make", "install"], cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    return {
        "wall_s": round(wall, 2),
        "exit_code": proc.returncode,
        "output_tail": (proc.stdout.splitlines() + proc.stderr.splitlines())[-6:],
    }


def _du_mb(path: Path) -> Optional[float]:
    try:
        out = subprocess.run(["du", "-sm", str(path)], capture_output=True, text=True, timeout=300).stdout
        return float(out.split()[0])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def _pip_config() -> List[str]:
    try:
        out = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        return [line for line in out.splitlines() if line.strip()]
    except (OSError, subprocess.SubprocessError):
        return []


def run(skip_cold: bool = False, keep: bool = False) -> Dict[str, Any]:
    heading("install: `make install` cold and warm")
    record: Dict[str, Any] = {
        "pip_config": _pip_config(),
        "pip_cache_mb": _du_mb(Path.home() / ".cache" / "pip"),
    }
    warm = [_make_install(ROOT) for _ in range(3)]
    record["warm_this_checkout"] = {
        "runs_s": [w["wall_s"] for w in warm],
        "median_s": statistics.median(w["wall_s"] for w in warm),
        "exit_codes": [w["exit_code"] for w in warm],
    }
    print(
        f"  warm (stamp present, this checkout): median "
        f"{record['warm_this_checkout']['median_s']} s "
        f"over {record['warm_this_checkout']['runs_s']}",
        flush=True,
    )
    if not skip_cold:
        tmp = Path(tempfile.mkdtemp(prefix="bench-install-"))
        try:
            shutil.copy(ROOT / "Makefile", tmp / "Makefile")
            shutil.copytree(ROOT / "requirements", tmp / "requirements")
            print(f"  cold: `make install` in an empty folder ({tmp}); takes minutes …", flush=True)
            cold = _make_install(tmp)
            record["cold_fresh_folder"] = {**cold, "venv_mb": _du_mb(tmp / ".venv")}
            print(
                f"  cold: {cold['wall_s']} s (exit {cold['exit_code']}), "
                f"venv {record['cold_fresh_folder']['venv_mb']} MB",
                flush=True,
            )
            again = _make_install(tmp)
            record["warm_fresh_folder"] = again
            print(f"  warm right after, same folder: {again['wall_s']} s", flush=True)
            if cold["exit_code"] != 0:
                print("  cold install failed:\n    " + "\n    ".join(cold["output_tail"]))
        finally:
            if keep:
                print(f"  kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    heading("install figures")
    rows = [("warm, this checkout (median of 3)", record["warm_this_checkout"]["median_s"])]
    if "cold_fresh_folder" in record:
        rows += [
            ("cold, fresh folder (new .venv, local wheels)", record["cold_fresh_folder"]["wall_s"]),
            ("warm, that folder right after", record["warm_fresh_folder"]["wall_s"]),
        ]
    table(rows, ["`make install`", "seconds"])
    print(
        "  cold here copies wheels from pip's cache and the local wheelhouse; with an empty\n"
        "  cache and only PyPI the wheels must be downloaded too (not measurable offline)."
    )
    path = write_record("install", record)
    print(f"\n  record: {path.relative_to(ROOT)}")
    return record


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench install")
    parser.add_argument("--skip-cold", action="store_true", help="only the warm (stamp present) case")
    parser.add_argument("--keep", action="store_true", help="keep the cold install's folder")
    args = parser.parse_args(argv)
    return run(args.skip_cold, args.keep)


if __name__ == "__main__":
    main()
