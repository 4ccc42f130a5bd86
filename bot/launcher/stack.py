"""The embedded default: every service on localhost, started in order and stopped together."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.launcher.model import quiet_env
from bot.launcher.process import Process, StartupError, port_is_free
from bot.settings import ROOT, Settings


@dataclass
class Service:
    name: str
    port: int
    argv: List[str]
    health_path: str
    url_path: str = ""


def services_for(settings: Settings, model: Path) -> List[Service]:
    py = sys.executable
    return [
        Service("intake API", settings.intake_port, [py, "-m", "bot.intake"], "/health"),
        Service("action server", settings.action_port, [py, "-m", "bot.action_server"], "/health"),
        Service("portal", settings.portal_port, [py, "-m", "bot.portal"], "/health", "/"),
        Service(
            "Rasa server", settings.rasa_port,
            [py, "-m", "bot.rasa_server", "run", "--model", str(model), "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml", "--interface", settings.host, "--port", str(settings.rasa_port),
             "--enable-api", "--auth-token", settings.rasa_token, "--cors", "*", "--quiet"],
            "/webhooks/rest/",
        ),
    ]


def child_env(settings: Settings) -> Dict[str, str]:
    """Every child sees the same settings, whatever the parent's environment already had."""
    env = {f"BOT_{name.upper()}": str(value) for name, value in settings.dict().items()}
    env.update(quiet_env())
    env["BOT_ACTION_URL"] = settings.action_url
    return env


@dataclass
class Stack:
    settings: Settings
    model: Path
    echo: bool = False
    processes: List[Process] = field(default_factory=list)
    started_at: float = 0.0
    ready_after_s: Dict[str, float] = field(default_factory=dict)

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
            "Rasa HTTP API (token in BOT_RASA_TOKEN)": f"{base}:{s.rasa_port}/status?token=…",
            "catalogue API": f"{base}:{s.portal_port}/api/v1/bundles",
            "intake API": f"{base}:{s.intake_port}/applications",
            "action server": f"{base}:{s.action_port}/health",
        }

    def first_exited(self) -> Optional[Process]:
        return next((p for p in self.processes if p.exited() is not None), None)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def _port_setting(name: str) -> str:
    return {"intake API": "INTAKE_PORT", "action server": "ACTION_PORT", "portal": "PORTAL_PORT",
            "Rasa server": "RASA_PORT"}[name]
