"""A small Sanic server that sends itself SIGTERM at a chosen moment of start-up, for
tests/test_stop_signals.py: `python -m tests.support.signalled_server WHEN PORT [--as-rasa | --plain]`.

WHEN is `before` (while a slow before-start listener runs), `after:N` (inside the after-start
phase, N loop turns before it ends) or `serving`. With `--as-rasa` the server runs as Rasa runs
ours (bot/rasa_server.py): ours on a blueprint (bot/channels), and a plain `app.run` call that
`stop_signals.for_every_app` takes over; with `--plain`, Sanic's handlers alone."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

from sanic import Blueprint, Sanic, response

from bot import stop_signals


def main() -> None:
    when, port, as_rasa, plain = sys.argv[1], int(sys.argv[2]), "--as-rasa" in sys.argv, "--plain" in sys.argv
    app = Sanic("signalled", configure_logging=False)
    if plain:
        pass
    elif as_rasa:
        hook = Blueprint("hook")
        stop_signals.stop_on_signals(hook)
        app.blueprint(hook)
        stop_signals.for_every_app()
    else:
        stop_signals.stop_on_signals(app)

    @app.get("/")
    async def health(_request):
        return response.text("ok")

    @app.before_server_start
    async def slow_start(_app, _loop) -> None:
        if when == "before":
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.2)  # a catalogue loading: the loop hears nothing meanwhile

    @app.after_server_start
    async def started(_app, loop) -> None:
        if when.startswith("after:"):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(int(when.split(":")[1])):
                await asyncio.sleep(0)
        elif when == "serving":
            loop.call_later(0.3, os.kill, os.getpid(), signal.SIGTERM)

    @app.after_server_stop
    async def stopped(_app, _loop) -> None:
        print("stopped gracefully", flush=True)

    run_args = dict(host="127.0.0.1", port=port, access_log=False, motd=False)
    if as_rasa or plain:
        app.run(**run_args)
    else:
        stop_signals.run(app, **run_args)


if __name__ == "__main__":
    main()
