"""The embedded default: every service on localhost, started in order and stopped together."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.launcher.model import quiet_env
from bot.launcher.process import Process, StartupError, port_is_free
from bot.secrets import with_secrets
from bot.settings import ROOT, Settings
from bot.wechat.config import WEBHOOK_PATH, wechat_config

REQUEST_MAX_BYTES = 1024 * 1024


@dataclass
class Service:
    name: str
    port: int
    argv: List[str]
    health_path: str
    url_path: str = ""


def services_for(settings: Settings, model: Path) -> List[Service]:
    py = sys.executable
    return wechat_standin(settings) + [
        Service("intake API", settings.intake_port, [py, "-m", "bot.intake"], "/health"),
        Service("action server", settings.action_port, [py, "-m", "bot.action_server"], "/health"),
        Service("portal", settings.portal_port, [py, "-m", "bot.portal"], "/health", "/"),
        Service(
            "Rasa server", settings.rasa_port,
            [py, "-m", "bot.rasa_server", "run", "--model", str(model), "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml", "--interface", settings.host, "--port", str(settings.rasa_port),
             # No Rasa HTTP API: the port browsers reach serves only the chat channels.
             "--cors", *settings.allowed_origins, "--quiet"],
            "/webhooks/rest/",
        ),
    ]


def wechat_standin(settings: Settings) -> List[Service]:
    """The local WeChat stand-in, when the embedded profile's WeChat channel talks to it."""
    if settings.profile != "embedded" or settings.wechat_api_base:
        return []
    return [Service("WeChat stand-in", settings.wechat_standin_port, [sys.executable, "-m", "bot.wechat_standin"],
                    "/health", "/_standin/stats")]


def child_env(settings: Settings) -> Dict[str, str]:
    """Every child sees the same settings, whatever the parent's environment already had."""
    env = {f"BOT_{name.upper()}": str(value) for name, value in settings.dict().items()}
    env.update(quiet_env())
    env["BOT_ACTION_URL"] = settings.action_url
    # Sanic reads SANIC_* settings: no request body larger than this reaches any handler.
    env["SANIC_REQUEST_MAX_SIZE"] = str(REQUEST_MAX_BYTES)
    return env


@dataclass
class Stack:
    settings: Settings
    model: Path
    echo: bool = False
    processes: List[Process] = field(default_factory=list)
    started_at: float = 0.0
    ready_after_s: Dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every service gets the same secrets: generated once per var/ (or given, in production).
        self.settings = with_secrets(self.settings)

    def check_ports(self) -> None:
        for service in services_for(self.settings, self.model):
            if not port_is_free(service.port, self.settings.host):
                raise StartupError(f"port {service.port} for the {service.name} is already in use "
                                   f"(set BOT_{_port_setting(service.name)} to use another)")

    def start(self) -> None:
        """Start all, then wait for each health check; on any failure stop everything."""
        self.check_ports()
        logs = self.settings.var_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = child_env(self.settings)
        self.started_at = time.monotonic()
        try:
            for service in services_for(self.settings, self.model):
                process = Process(
                    name=service.name, argv=service.argv,
                    health_url=f"http://{self.settings.host}:{service.port}{service.health_path}",
                    env=env, cwd=ROOT, echo=self.echo,
                    log_path=logs / f"{service.name.split()[0].lower()}.log",
                )
                process.start()
                self.processes.append(process)
            for process in self.processes:
                process.wait_healthy(self.settings.startup_timeout_s)
                self.ready_after_s[process.name] = time.monotonic() - self.started_at
        except BaseException:
            self.stop()
            raise

    def urls(self) -> Dict[str, str]:
        s = self.settings
        base = f"http://{s.host}"
        return {
            "portal (demo government site with the chat widget)": f"{base}:{s.portal_port}/",
            "agent desk (12345 hotline, 帮办代办)": f"{base}:{s.portal_port}/desk",
            "REST channel": f"{base}:{s.rasa_port}/webhooks/rest/webhook",
            "socket.io channel": f"{base}:{s.rasa_port}/socket.io",
            "catalogue API": f"{base}:{s.portal_port}/api/v1/bundles",
            "intake API": f"{base}:{s.intake_port}/applications",
            "action server": f"{base}:{s.action_port}/health",
            **wechat_urls(s),
        }

    def first_exited(self) -> Optional[Process]:
        return next((p for p in self.processes if p.exited() is not None), None)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def wechat_urls(settings: Settings) -> Dict[str, str]:
    config = wechat_config(settings)
    if not config.enabled:
        return {"WeChat channel": f"off ({config.off_reason})"}
    urls = {"WeChat push URL (mini-program console)": f"{settings.rasa_url}{WEBHOOK_PATH}"}
    if wechat_standin(settings):
        urls["chat as a WeChat user (stand-in)"] = f"{settings.portal_url}/dev/wechat"
    return urls


def _port_setting(name: str) -> str:
    return {"intake API": "INTAKE_PORT", "action server": "ACTION_PORT", "portal": "PORTAL_PORT",
            "Rasa server": "RASA_PORT", "WeChat stand-in": "WECHAT_STANDIN_PORT"}[name]
