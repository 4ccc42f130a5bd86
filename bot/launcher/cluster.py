"""The cluster profile (`make run-cluster`): the same services on the engines a bigger deployment
runs on — PostgreSQL, Redis, N Rasa servers and M action servers, the portal and the intake
service — behind one nginx port, as local processes with their data under var/cluster/.

Started, health-checked and stopped like the embedded default (bot/launcher/stack.py, the same
Process); only the processes and the settings they get differ. The services read the shared
engines from the ordinary settings (BOT_DATABASE_URL, BOT_INTAKE_DATABASE_URL, BOT_REDIS_URL):
given ones are used as they are (managed elsewhere), missing ones are started here."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from pydantic import BaseSettings, Field

from bot import reachable
from bot.launcher import engines
from bot.launcher.process import Process, StartupError, free_port, port_is_free
from bot.launcher.stack import child_env, services_for
from bot.secrets import with_secrets
from bot.settings import ROOT, Settings

TEMPLATES = Path(__file__).with_name("templates")
REPLICAS = ("Rasa server", "action server")  # started again when one dies; the rest are single
RESTARTS_PER_MINUTE = 3


class ClusterSettings(BaseSettings):
    """The cluster's own layout; env vars BOT_CLUSTER_<FIELD> override. The services' ports
    (BOT_RASA_PORT, BOT_ACTION_PORT, BOT_PORTAL_PORT, BOT_INTAKE_PORT) are the first of each kind."""

    port: int = 8080  # nginx: the one port people reach
    actions_port: int = 5050  # nginx, internal: Rasa servers → action servers
    rasa_servers: int = Field(2, ge=1, le=16)
    action_servers: int = Field(2, ge=1, le=16)
    postgres_port: int = 5433  # the local PostgreSQL and Redis (when no URL is given)
    redis_port: int = 6380
    data_dir: Path = ROOT / "var" / "cluster"
    nginx_workers: int = Field(1, ge=1, le=64)

    class Config:
        env_prefix = "BOT_CLUSTER_"


@dataclass
class Layout:
    """Where every part listens, and where the cluster keeps its data."""

    port: int
    actions_port: int
    rasa_ports: List[int]
    action_ports: List[int]
    portal_port: int
    intake_port: int
    postgres_port: int
    redis_port: int
    data_dir: Path
    nginx_workers: int = 1

    @classmethod
    def configured(cls, settings: Settings, cluster: ClusterSettings) -> Layout:
        return cls(cluster.port, cluster.actions_port,
                   [settings.rasa_port + i for i in range(cluster.rasa_servers)],
                   [settings.action_port + i for i in range(cluster.action_servers)],
                   settings.portal_port, settings.intake_port, cluster.postgres_port, cluster.redis_port,
                   cluster.data_dir, cluster.nginx_workers)

    @classmethod
    def on_free_ports(cls, data_dir: Path, rasa_servers: int = 2, action_servers: int = 2) -> Layout:
        """For tests and benchmarks: every port a free one, no two the same."""
        ports: List[int] = []
        while len(ports) < 6 + rasa_servers + action_servers:
            port = free_port()
            if port not in ports:
                ports.append(port)
        rasa, action, rest = ports[:rasa_servers], ports[rasa_servers:rasa_servers + action_servers], \
            ports[rasa_servers + action_servers:]
        return cls(rest[0], rest[1], rasa, action, rest[2], rest[3], rest[4], rest[5], data_dir)


@dataclass
class Cluster:
    """`configured`: the settings as given (engine URLs if managed elsewhere). `settings`: the
    deployment as a client and every service see it — the chat and the portal at nginx's port,
    the engines' URLs, this installation's secrets (var/cluster/secrets.json)."""

    configured: Settings
    layout: Layout
    model: Path
    echo: bool = False
    processes: List[Process] = field(default_factory=list)
    started_at: float = 0.0
    ready_after_s: Dict[str, float] = field(default_factory=dict)
    _restarts: Dict[str, List[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        given, at = self.configured, self.layout
        host = given.host
        local_pg = f"postgresql://{engines.POSTGRES_USER}@{host}:{at.postgres_port}"
        self.local_postgres = not (given.database_url and given.intake_database_url)
        self.local_redis = not given.redis_url
        self.settings = with_secrets(given.copy(update=dict(
            var_dir=at.data_dir,
            rasa_port=at.port, portal_port=at.port, action_port=at.actions_port, intake_port=at.intake_port,
            public_url=f"http://{host}:{at.port}",
            database_url=given.database_url or f"{local_pg}/bot",
            intake_database_url=given.intake_database_url or f"{local_pg}/intake",
            redis_url=given.redis_url or f"redis://{host}:{at.redis_port}/0",
        )))

    # -- ports ------------------------------------------------------------------------------------

    def _ports(self) -> Dict[str, int]:
        at = self.layout
        named = {"nginx": at.port, "nginx (action calls)": at.actions_port, "portal": at.portal_port,
                 "intake API": at.intake_port}
        named.update({f"Rasa server {i + 1}": port for i, port in enumerate(at.rasa_ports)})
        named.update({f"action server {i + 1}": port for i, port in enumerate(at.action_ports)})
        if self.local_postgres:
            named["PostgreSQL"] = at.postgres_port
        if self.local_redis:
            named["Redis"] = at.redis_port
        return named

    def check_ports(self) -> None:
        for name, port in self._ports().items():
            if not port_is_free(port, self.configured.host):
                raise StartupError(f"port {port} for {name} is already in use (see `BOT_CLUSTER_*` and "
                                   "`BOT_*_PORT` in README.md to use others)")

    # -- start and stop ---------------------------------------------------------------------------

    def start(self) -> None:
        """Engines, then every service, then nginx, each health-checked; on any failure
        everything started so far is stopped again."""
        self.check_ports()
        self.processes = []
        self.started_at = time.monotonic()
        self.layout.data_dir.mkdir(parents=True, exist_ok=True)
        (self.layout.data_dir / "logs").mkdir(exist_ok=True)
        try:
            self._check_engines_given()
            self._start_engines()
            self._prepare_databases()
            self._start_all(self._services())
            self._start_all([self._nginx()])
        except BaseException:
            self.stop()
            raise
        self._write_env()

    def _check_engines_given(self) -> None:
        """Engines managed elsewhere must answer before anything starts."""
        found = reachable.problems(self.configured, database=True, intake_database=True, redis=True)
        if found:
            raise StartupError(found[0])

    def _start_engines(self) -> None:
        at, host, logs = self.layout, self.configured.host, self.layout.data_dir / "logs"
        started = []
        if self.local_postgres:
            started.append(engines.postgres_process(at.data_dir / "postgres", host, at.postgres_port,
                                                    logs / "postgres.log"))
        if self.local_redis:
            started.append(engines.redis_process(at.data_dir / "redis", host, at.redis_port, logs / "redis.log"))
        self._start_all(started, timeout_s=60)

    def _prepare_databases(self) -> None:
        """Local databases created on first use; the bot's schema created once, before several
        processes would each try at the same moment."""
        from bot.db.database import Database

        if self.local_postgres:
            engines.ensure_databases(self.configured.host, self.layout.postgres_port, ["bot", "intake"])
        db = Database(self.settings.db_url)
        try:
            db.create_schema()
        finally:
            db.close()

    def _start_all(self, processes: List[Process], timeout_s: Optional[float] = None) -> None:
        for process in processes:
            process.echo = self.echo
            process.start()
            self.processes.append(process)
        for process in processes:
            process.wait_healthy(timeout_s or self.settings.startup_timeout_s)
            self.ready_after_s[process.name] = time.monotonic() - self.started_at

    def _services(self) -> List[Process]:
        s, at = self.settings, self.layout
        by_name = {service.name: service for service in services_for(s, self.model)}
        endpoints = self._endpoints()
        out = [self._process("intake API", by_name["intake API"].argv, at.intake_port, "/health", {})]
        for i, port in enumerate(at.action_ports):
            out.append(self._process(f"action server {i + 1}", by_name["action server"].argv, port, "/health",
                                     {"BOT_ACTION_PORT": str(port)}))
        out.append(self._process("portal", by_name["portal"].argv, at.portal_port, "/health",
                                 {"BOT_PORTAL_PORT": str(at.portal_port)}))
        for i, port in enumerate(at.rasa_ports):
            rasa = next(x for x in services_for(s.copy(update={"rasa_port": port}), self.model)
                        if x.name == "Rasa server")
            argv = list(rasa.argv)
            argv[argv.index("--endpoints") + 1] = str(endpoints)
            out.append(self._process(f"Rasa server {i + 1}", argv, port, rasa.health_path, {}))
        return out

    def _process(self, name: str, argv: List[str], port: int, health_path: str, env: Dict[str, str]) -> Process:
        return Process(
            name=name, argv=argv, health_url=f"http://{self.configured.host}:{port}{health_path}",
            env={**child_env(self.settings), **env}, cwd=ROOT,
            log_path=self.layout.data_dir / "logs" / f"{name.lower().replace(' ', '-')}.log",
        )

    def _endpoints(self) -> Path:
        """endpoints.yml with the lock store on Redis (bot/trackers/lock_store.py)."""
        endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
        endpoints["lock_store"] = {"type": "bot.trackers.lock_store.RedisTicketLockStore"}
        path = self.layout.data_dir / "endpoints.yml"
        path.write_text("# Written by bot/launcher/cluster.py from endpoints.yml: do not edit.\n"
                        + yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
        return path

    def _nginx(self) -> Process:
        folder = self.layout.data_dir / "nginx"
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
        conf = folder / "nginx.conf"
        self._write_nginx_conf(conf, len(self.layout.rasa_ports))
        host = self.configured.host
        return Process(
            name="nginx",
            argv=[engines.program("nginx", "nginx"), "-p", str(folder), "-c", str(conf), "-e", "stderr"],
            health_url=f"http://{host}:{self.layout.port}/proxy/health",
            log_path=self.layout.data_dir / "logs" / "nginx.log",
            stop_signal=signal.SIGQUIT,  # graceful: requests in flight are finished
        )

    def _write_nginx_conf(self, path: Path, rasa_servers: int) -> None:
        at, host = self.layout, self.configured.host

        def servers(ports: List[int], failover: bool) -> str:
            extra = " max_fails=1 fail_timeout=2s" if failover else ""
            return "\n".join(f"        server {host}:{port}{extra};" for port in ports)

        text = (TEMPLATES / "nginx.conf").read_text(encoding="utf-8")
        values = {
            "WORKERS": str(at.nginx_workers), "DIR": str(path.parent), "HOST": host, "PORT": str(at.port),
            "ACTIONS_PORT": str(at.actions_port),
            "RASA_SERVERS": servers(at.rasa_ports[:rasa_servers], True),
            "ACTION_SERVERS": servers(at.action_ports, True),
            "PORTAL_SERVERS": servers([at.portal_port], False),
            "RASA_TRIES": str(rasa_servers), "ACTION_TRIES": str(len(at.action_ports)),
        }
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        path.write_text(text, encoding="utf-8")

    def serve_with(self, rasa_servers: int) -> None:
        """Route chat traffic to the first `rasa_servers` Rasa servers only (the others are
        drained, not stopped): nginx reloads its configuration without dropping a request."""
        nginx = self.process("nginx")
        self._write_nginx_conf(self.layout.data_dir / "nginx" / "nginx.conf", rasa_servers)
        os.kill(nginx.pid, signal.SIGHUP)
        time.sleep(1.0)  # the new workers take over; the old ones finish what they hold

    def _write_env(self) -> None:
        """The settings a command-line tool needs to read this cluster's data (no secrets: those
        are read from the secrets file in BOT_VAR_DIR)."""
        s = self.settings
        lines = [f"BOT_VAR_DIR={s.var_dir}", f"BOT_DATABASE_URL={s.database_url}",
                 f"BOT_INTAKE_DATABASE_URL={s.intake_database_url}", f"BOT_REDIS_URL={s.redis_url}",
                 f"BOT_PUBLIC_URL={s.public_url}"]
        (self.layout.data_dir / "cluster.env").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    # -- while running ----------------------------------------------------------------------------

    def process(self, name: str) -> Process:
        return next(p for p in self.processes if p.name == name)

    def first_exited(self) -> Optional[Process]:
        """A part whose loss ends the cluster, if one has stopped. A Rasa or action server that
        died is started again (nginx sends its share to the others meanwhile), unless it keeps
        dying: then it is the answer."""
        for process in self.processes:
            if process.exited() is None:
                continue
            if not process.name.startswith(REPLICAS):
                return process
            now = time.monotonic()
            recent = [t for t in self._restarts.get(process.name, []) if now - t < 60] + [now]
            self._restarts[process.name] = recent
            if len(recent) > RESTARTS_PER_MINUTE:
                return process
            print(f"{process.name} stopped unexpectedly ({process.last_error()}); starting it again", flush=True)
            process.start()
        return None

    def urls(self) -> Dict[str, str]:
        s, at, host = self.settings, self.layout, self.configured.host
        public = s.public_url
        return {
            "portal (demo government site with the chat widget)": f"{public}/",
            "REST channel": f"{public}/webhooks/rest/webhook",
            "socket.io channel": f"{public}/socket.io",
            "catalogue API": f"{public}/api/v1/bundles",
            f"Rasa servers ({len(at.rasa_ports)}, behind nginx)": ", ".join(f"{host}:{p}" for p in at.rasa_ports),
            f"action servers ({len(at.action_ports)}, behind nginx :{at.actions_port})":
                ", ".join(f"{host}:{p}" for p in at.action_ports),
            "intake API (stands in for the department's)": f"http://{host}:{at.intake_port}/applications",
            "PostgreSQL (bot, intake)": f"{reachable.shown(s.database_url)}, {reachable.shown(s.intake_database_url)}",
            "Redis (conversation locks, socket.io queue)": reachable.shown(s.redis_url),
            "data and logs": str(at.data_dir),
        }


def start_cluster(_settings: Settings, allow_training: Optional[bool]) -> Cluster:
    """`make run-cluster`: as `make run` starts the embedded default (bot/launcher/cli.py).
    The settings are read again from the environment, with the cluster's data folder."""
    from bot.launcher.cli import _check_rules
    from bot.launcher.model import ensure_model
    from bot.profile import ProfileError, checked

    try:
        cluster_settings = ClusterSettings()
    except ValueError as error:
        raise StartupError(f"invalid cluster setting: {error}") from None
    try:
        # The cluster is an installation of its own: its secrets live in its data folder (or
        # come from the environment), never the embedded default's var/secrets.json.
        settings = checked(Settings(var_dir=cluster_settings.data_dir))
    except ProfileError as error:
        raise StartupError(str(error)) from None
    _check_rules(settings)
    cluster = Cluster(settings, Layout.configured(settings, cluster_settings), model=settings.models_dir / "unused")
    cluster.check_ports()  # before training: a taken port should not cost a training run
    cluster.model = ensure_model(settings, allow_training=allow_training)
    cluster.start()
    return cluster
