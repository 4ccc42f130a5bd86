"""Typed settings for every process, loaded once from BOT_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseSettings, Field, validator

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

    # Secrets. None has a default: empty ones are generated into var/secrets.json (mode 0600)
    # on first use in the embedded profile (bot/secrets.py); production refuses to start
    # without them. The bearer token the bot presents to the application intake API:
    intake_token: str = ""
    # What the Rasa server presents to the action server (no one else may run actions).
    action_token: str = ""
    # Signs the session tokens that make a conversation someone's (bot/sessions.py).
    session_key: str = ""
    # Fernet keys that seal personal data at rest, comma-separated; the first seals, all open
    # (rotation: put a new key first, then `python -m bot privacy rekey`).
    data_keys: str = ""
    # Other sites that embed the widget: browser origins allowed to call the chat and to read their
    # own conversation on the portal (its event stream and current step), besides the portal's own.
    cors_origins: str = ""
    # Session tokens live this long; a conversation idle longer starts afresh, personal data
    # gone (bot/dialogue/handler.py); transcripts are anonymised after retention_days.
    session_ttl_s: int = Field(7200, gt=0)
    retention_days: int = Field(30, gt=0)
    intake_url: str = ""
    intake_database_url: str = ""
    # The bot's own records (conversations, transcript, outbox, ratings): SQLite under var/
    # by default; `postgresql://…` for several processes on several machines.
    database_url: str = ""
    # Redis, for what several processes share beyond the database: Rasa's conversation locks
    # and the socket.io message queue (`redis://host:port/db`). Empty: one process of each,
    # in-memory locks (the embedded default).
    redis_url: str = ""
    # The one origin people reach when a reverse proxy fronts the chat and the portal (the
    # cluster's nginx): pages point the widget there. Empty: the services' own ports.
    public_url: str = ""

    identity_provider: str = "demo"
    identity_url: str = ""
    identity_token: str = ""

    # WeChat mini-program customer-service messages (bot/wechat, bot/channels/wechat.py). In
    # the embedded profile unset values take the local stand-in's (bot/wechat_standin); in
    # production the channel is off until token, appid, secret (and the AES key unless the
    # mode is plain) are set. `wechat_id_key` keys the conversation ids derived from openids.
    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_appid: str = ""
    wechat_secret: str = ""
    wechat_api_base: str = ""
    wechat_mode: Literal["", "plain", "compatible", "safe"] = ""
    wechat_id_key: str = ""
    wechat_standin_port: int = 5090
    # The agent desk (bot/desk): an agent whose desk page stops polling this long (a closed
    # tab) loses the conversations they hold back to the queue.
    desk_agent_timeout_s: float = Field(30.0, gt=0)
    # The widget's event stream says "alive" this often; a widget that hears nothing for 2.5 times
    # as long opens a new one (a connection a proxy or a phone network dropped without a word).
    stream_keepalive_s: float = Field(15.0, gt=0)
    # SMS to callers (bot/sms): a real gateway's URL and key; empty URL = the local stand-in.
    sms_url: str = ""
    sms_key: str = ""  # a secret: required with a real gateway (bot/profile.py)

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

    @validator("public_url")
    def _no_trailing_slash(cls, value: str) -> str:  # noqa: N805 - pydantic's validator signature
        return value.rstrip("/")

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
    def allowed_origins(self) -> list:
        """The portal's own origin (its public one behind a proxy) and any configured others:
        who may call the chat."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.public_url or self.portal_url)
        own = [f"{parts.scheme}://{parts.netloc}"]
        if parts.hostname == "127.0.0.1":  # the same local portal, reached by name
            own.append(f"{parts.scheme}://{parts.netloc.replace('127.0.0.1', 'localhost', 1)}")
        return own + [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    @property
    def intake_db_url(self) -> str:
        return self.intake_database_url or f"sqlite:///{self.var_dir / 'intake.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings with their secrets; a production process with missing or sample secrets,
    or with demo sign-ins, stops here (bot/profile.py)."""
    from bot.profile import checked

    return checked(Settings())
