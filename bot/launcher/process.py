"""One supervised child process: started in its own group, health-checked, stopped cleanly."""

from __future__ import annotations

import ctypes
import os
import random
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from threading import Thread
from typing import Callable, Deque, Dict, List, Optional, Sequence, Set, Tuple


def _die_with_parent(user: Optional[str] = None) -> None:
    """Runs in the child before exec: if the launcher dies, even by SIGKILL, the kernel sends
    this child SIGTERM, so nothing is left running behind a crashed `make run`. With `user`
    (PostgreSQL will not run as root) the child drops to that user first: a change of user
    clears the death signal, so it is set afterwards."""
    if user is not None:
        import pwd

        entry = pwd.getpwnam(user)
        os.initgroups(user, entry.pw_gid)
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class StartupError(RuntimeError):
    """A process could not be started or never became healthy; the message names the cause."""


_handed_out: Set[int] = set()


def _ephemeral_range() -> Tuple[int, int]:
    try:
        low, high = (int(n) for n in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return low, high
    except (OSError, ValueError):
        return 32768, 60999


def free_port(host: str = "127.0.0.1", count: int = 1) -> int:
    """The first of `count` consecutive ports nobody listens on, for servers about to start.
    Chosen below the kernel's ephemeral range: a port from inside it (what binding port 0 gives)
    can be taken meanwhile as the local end of any outgoing connection (a service connecting to
    PostgreSQL while its neighbours start), and the server then finds it in use. Never the same
    port twice in one process, so ports picked one after another for one launch do not collide."""
    low, _ = _ephemeral_range()
    floor = 10000 if low > 20000 else 1024
    ceiling = low if low > 20000 else 65535
    for _ in range(500):
        port = random.randrange(floor, ceiling - count)
        block = range(port, port + count)
        if all(p not in _handed_out and port_is_free(p, host, reuse=False) for p in block):
            _handed_out.update(block)
            return port
    raise OSError(f"no {count} free consecutive ports on {host}")


def port_is_free(port: int, host: str = "127.0.0.1", reuse: bool = True) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if reuse:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


@dataclass
class Process:
    """A named child; its output is teed to a log file and the last lines kept for errors."""

    name: str
    argv: Sequence[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)
    log_path: Optional[Path] = None
    cwd: Optional[Path] = None
    echo: bool = False
    # Servers that do not speak HTTP (PostgreSQL, Redis): healthy when this returns True.
    probe: Optional[Callable[[], bool]] = None
    user: Optional[str] = None  # run as this user (the launcher runs as root)
    stop_signal: int = signal.SIGTERM  # PostgreSQL's fast shutdown is SIGINT
    _popen: Optional[subprocess.Popen] = None
    _tail: Deque[str] = field(default_factory=lambda: deque(maxlen=40))
    _reader: Optional[Thread] = None

    def start(self) -> None:
        env = {**os.environ, **self.env}
        self._popen = subprocess.Popen(
            list(self.argv),
            cwd=str(self.cwd) if self.cwd else None,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Own process group: stopping it also stops whatever the child spawned.
            start_new_session=True,
            preexec_fn=partial(_die_with_parent, self.user),
        )
        self._reader = Thread(target=self._pump, daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        assert self._popen and self._popen.stdout
        log = open(self.log_path, "ab") if self.log_path else None
        try:
            for raw in iter(self._popen.stdout.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip()
                self._tail.append(line)
                if log:
                    log.write(raw)
                    log.flush()
                if self.echo:
                    print(f"[{self.name}] {line}", flush=True)
        finally:
            if log:
                log.close()

    @property
    def pid(self) -> Optional[int]:
        return self._popen.pid if self._popen else None

    def exited(self) -> Optional[int]:
        return self._popen.poll() if self._popen else None

    def healthy(self) -> bool:
        if self.probe is not None:
            return self.probe()
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as resp:
                return 200 <= resp.status < 300
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def wait_healthy(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        delay = 0.05
        while time.monotonic() < deadline:
            code = self.exited()
            if code is not None:
                raise StartupError(f"{self.name} exited with code {code}: {self.last_error()}")
            if self.healthy():
                return
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)
        raise StartupError(f"{self.name} did not answer {self.health_url} within {timeout_s:.0f}s")

    def last_error(self) -> str:
        """The most telling line of the child's output: the last error-looking one."""
        lines = [line for line in self._tail if line.strip()]
        for line in reversed(lines):
            lowered = line.lower()
            if any(word in lowered for word in ("error", "exception", "failed", "refus")):
                return line.strip()
        return lines[-1].strip() if lines else "no output"

    def output(self) -> List[str]:
        return list(self._tail)

    def stop(self, timeout_s: float = 10.0) -> None:
        if not self._popen or self._popen.poll() is not None:
            return
        try:
            os.killpg(self._popen.pid, self.stop_signal)
        except ProcessLookupError:
            return
        try:
            self._popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self._popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._popen.wait(timeout=5)
        if self._reader:
            self._reader.join(timeout=2)
