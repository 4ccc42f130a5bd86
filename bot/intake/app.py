"""create_app(): the intake service assembled from its blueprints, settings loaded once."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, FrozenSet, Iterable, Optional

from sanic import Sanic

from bot import stop_signals
from bot.intake.applications import applications_bp
from bot.intake.errors import register_error_handlers
from bot.intake.health import health_bp
from bot.intake.store import ApplicationStore
from bot.privacy import install_log_masking
from bot.sealing import Sealer
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # an application is a few kilobytes; anything bigger is not one


def bundle_ids_in(rules_dir: Path) -> FrozenSet[str]:
    """The catalogue's bundle ids: the stems of rules/bundles/*.yml."""
    return frozenset(path.stem for path in (rules_dir / "bundles").glob("*.yml"))


def create_app(
    settings: Optional[Settings] = None, bundle_ids: Optional[Iterable[str]] = None
) -> Sanic:
    settings = settings or get_settings()
    app = Sanic("intake", configure_logging=False)
    stop_signals.stop_on_signals(app)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.settings = settings
    app.ctx.bundle_ids = (
        frozenset(bundle_ids) if bundle_ids is not None else bundle_ids_in(settings.rules_dir)
    )
    app.blueprint(health_bp)
    app.blueprint(applications_bp)
    if settings.identity_token:
        _mount_demo_identity(app, settings.identity_token)
    register_error_handlers(app)
    app.register_listener(_open_store, "before_server_start")
    app.register_listener(_close_store, "after_server_stop")
    return app


def _mount_demo_identity(app: Sanic, service_token: str) -> None:
    """The demo identity service rides along when BOT_IDENTITY_TOKEN is set."""
    from bot.identity.demo import DemoIdentityProvider
    from bot.identity.service import identity_bp

    app.ctx.identity_provider = DemoIdentityProvider.from_file()
    app.ctx.identity_token = service_token
    app.blueprint(identity_bp)


async def _open_store(app: Sanic, _loop: Any) -> None:
    install_log_masking()  # again: Sanic may have added handlers since start-up
    store = ApplicationStore(app.ctx.settings.intake_db_url, Sealer.from_settings(app.ctx.settings))
    store.create_schema()
    app.ctx.store = store
    if not app.ctx.bundle_ids:
        logger.warning("no bundle ids known: every application will be rejected")
    logger.info("intake store ready (%s), %d bundles", store.engine.url.get_backend_name(),
                len(app.ctx.bundle_ids))


async def _close_store(app: Sanic, _loop: Any) -> None:
    app.ctx.store.close()
