"""`python -m bot.rasa_server <rasa arguments>`: Rasa's own command line, with our fixes of its
internals installed first — whatever channels, stores or endpoints are configured."""

from __future__ import annotations

import sys

from bot import rasa_speedups, reachable, stop_signals
from bot.profile import settings_or_exit
from bot.settings import get_settings


def main() -> None:
    settings_or_exit()  # a production server with sample secrets stops here, in one line
    reachable.require(get_settings(), redis=True)  # and one whose Redis lock store does not answer
    rasa_speedups.install()
    stop_signals.for_every_app()  # Rasa calls app.run itself; Sanic's own handlers would lose a signal
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
