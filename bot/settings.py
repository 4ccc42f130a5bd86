"""Typed settings for every process, loaded once from BOT_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseSettings, Field

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """One place for ports, paths and secrets; env vars named BOT_<FIELD> override."""

    # "embedded": everything on localhost with demo data and stand-ins (make run, tests);
    # "production": no demo logins, no stand-ins, and refuses sample or missing secrets.
    profile: Literal["embedded", "production"] = "embedded"

    host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    intake_port: int = 5080
    portal_port: int = 8000

    # Token for Rasa's HTTP API (conversations, tracker); the REST channel needs none.
    rasa_token: str = "change-me-rasa-token"
    # Bearer token the bot presents to the application intake API.
    intake_token: str = "change-me-intake-token"
    intake_url: str = ""
    intake_database_url: str = ""
    # The bot's own records (conversations, transcript, outbox, ratings): SQLite under var/
    # by default; `postgresql://…` for several processes on several machines.
    database_url: str = ""

    identity_provider: str = "demo"
    identity_url: str = ""
    identity_token: str = ""

    # The agent desk (bot/desk): an agent whose desk page stops polling this long (a closed
    # tab) loses the conversations they hold back to the queue.
    desk_agent_timeout_s: float = Field(30.0, gt=0)
    # SMS to callers (bot/sms): a real gateway's URL and key; empty URL = the local stand-in.
    sms_url: str = ""
    sms_key: str = "change-me-sms-key"

    rules_dir: Path = ROOT / "rules"
    models_dir: Path = ROOT / "models"
    var_dir: Path = ROOT / "var"
    config_file: Path = ROOT / "config.yml"
    domain_file: Path = ROOT / "domain.yml"
    data_dir: Path = ROOT / "data"

    # `make run` trains when the model is stale; BOT_TRAIN=0 refuses instead.
    train: bool = True
    startup_timeout_s: float = Field(180.0, gt=0)
    log_level: str = "INFO"

    class Config:
        env_prefix = "BOT_"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def portal_url(self) -> str:
        return f"http://{self.host}:{self.portal_port}"

    @property
    def intake_base_url(self) -> str:
        return self.intake_url or f"http://{self.host}:{self.intake_port}"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'bot.db'}"

    @property
    def cache_dir(self) -> Path:
        """Derived data that is safe to delete: the validated-catalogue manifest."""
        return self.var_dir / "cache"

    @property
    def intake_db_url(self) -> str:
        return self.intake_database_url or f"sqlite:///{self.var_dir / 'intake.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
