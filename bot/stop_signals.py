"""Stops our Sanic servers on SIGINT or SIGTERM whatever moment of start-up the signal arrives at.

Sanic 21.12 stops a server by stopping the event loop. A signal handled while the after-start
phase still runs (`loop.run_until_complete`) either ends that phase early, and the server then
crashes with "Event loop stopped before Future completed", or is swallowed as the phase ends,
and the server serves for ever, deaf to every later signal (`Sanic.stop` only acts once); and
uvloop does not see a signal that arrives between two of Sanic's runs of the loop. Here a signal
before the server serves is remembered, and acted on the moment the serving loop runs."""

from __future__ import annotations

import asyncio
import signal
from functools import partial
from types import FrameType
from typing import Any, Optional, Union

from sanic import Blueprint, Sanic

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Stopper:
    def __init__(self, app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop
        self.serving = False
        self.requested = False
        self.watching = False

    def listen(self) -> None:
        for signum in SIGNALS:
            try:
                self.loop.add_signal_handler(signum, self.act)
            except (RuntimeError, ValueError):
                return  # a server run in a thread (tests): signals reach only the main thread
            # uvloop hears a signal through a self-pipe that it closes between two runs of the loop
            # (Sanic runs it several times while starting): a signal arriving then stays unseen
            # until another one comes. Python itself still calls this handler, at once.
            signal.signal(signum, self.noted)

    def noted(self, _signum: int, _frame: Optional[FrameType]) -> None:
        self.requested = True
        self.loop.call_soon_threadsafe(self.act)

    def act(self) -> None:
        if self.serving:
            self.app.stop()  # once: Sanic ignores a second call

    def begin_serving(self) -> None:
        self.serving = True
        if self.app.is_stopping:
            # Sanic's own handler ran before ours replaced it, and its stop was swallowed.
            self.loop.stop()
        elif self.requested:
            self.app.stop()

    def watch_phase(self, phase: asyncio.Future[Any]) -> None:
        """Calls `begin_serving` in the first turn of `run_forever`, the serving loop. When the
        phase ends, `run_until_complete` asks the loop to stop (uvloop: by a callback of its own),
        and the loop stops after the turn that runs it; two hops land in the next run."""
        if not self.watching:
            self.watching = True
            second_hop = partial(self.loop.call_soon, self.begin_serving)
            phase.add_done_callback(lambda _: self.loop.call_soon(second_hop))


def stop_on_signals(target: Union[Sanic, Blueprint]) -> None:
    """Listeners that put our handlers in place; once per app, however many blueprints ask.
    Register them before any slow start-up listener, so that a signal during it is remembered."""
    target.ctx.stops_on_signals = True

    @target.listener("before_server_start")
    async def listen_from_the_start(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
        if getattr(app.ctx, "stopper", None) is None:
            app.ctx.stopper = _Stopper(app, loop)
            app.ctx.stopper.listen()

    @target.listener("after_server_start")
    async def listen_while_serving(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        stopper: _Stopper = app.ctx.stopper
        stopper.listen()  # again: where Sanic registers its own handlers, it has replaced ours
        task = asyncio.current_task()
        if task is not None:
            stopper.watch_phase(task)


def run(app: Sanic, **run_args: Any) -> None:
    """`app.run` with our handlers only: Sanic's would act on a signal during start-up."""
    if not getattr(app.ctx, "stops_on_signals", False):
        stop_on_signals(app)
    app.run(register_sys_signals=False, **run_args)
