"""`python -m bot.intake`: serve the intake API on BOT_HOST:BOT_INTAKE_PORT."""

from __future__ import annotations

from bot import reachable, stop_signals
from bot.intake.app import create_app
from bot.privacy import configure_logging
from bot.profile import settings_or_exit


def main() -> None:
    settings = settings_or_exit()
    reachable.require(settings, intake_database=True)
    configure_logging(settings.log_level)
    app = create_app(settings)
    stop_signals.run(app, host=settings.host, port=settings.intake_port, access_log=False, motd=False)


if __name__ == "__main__":
    main()
