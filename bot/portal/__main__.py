"""`python -m bot.portal`: serve the portal on BOT_HOST:BOT_PORTAL_PORT."""

from __future__ import annotations

from bot import reachable, stop_signals
from bot.portal.app import create_app
from bot.privacy import configure_logging
from bot.profile import settings_or_exit


def main() -> None:
    settings = settings_or_exit()
    reachable.require(settings, database=True)
    configure_logging(settings.log_level)
    stop_signals.run(create_app(settings), host=settings.host, port=settings.portal_port, access_log=False, motd=False)


if __name__ == "__main__":
    main()
