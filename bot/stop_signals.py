"""Stops our Sanic servers on SIGINT or SIGTERM whatever moment of start-up the signal arrives at.

Sanic 21.12 stops a server by stopping the event loop. A signal handled while the after-start
phase still runs (`loop.run_until_complete`) either ends that phase early, and the server then
crashes with "Event loop stopped before Future completed", or is swallowed as the phase ends,
and the server serves for ever, deaf to every later signal (`Sanic.stop` only acts once).
uvloop's own signal handlers (`loop.add_signal_handler`, which Sanic uses) lose a signal that
arrives between two of Sanic's runs of the loop: it is noted, and acted on only when another
signal comes. Here the only handler is a plain Python one, which the interpreter calls whether
the loop runs or not (uvloop wakes up for it while running); a signal before the server serves is
remembered, and acted on the moment the serving loop runs."""

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
        """Our handler for each signal, where it is not already ours; a single, atomic swap, so
        that there is no moment without a handler that remembers."""
        for signum in SIGNALS:
            if signal.getsignal(signum) == self.noted:
                continue
            try:
                signal.signal(signum, self.noted)
            except ValueError:
                return  # a server run in a thread (tests): signals reach only the main thread

    def noted(self, _signum: int, _frame: Optional[FrameType]) -> None:
        self.requested = True
        self.loop.call_soon_threadsafe(self.act)

    def act(self) -> None:
        if self.serving:
            self.app.stop()  # once: Sanic ignores a second call

    def begin_serving(self) -> None:
        self.serving = True
        if self.app.is_stopping:
            # Someone's handler (Sanic's, where it was let register them) stopped the app during
            # start-up, and that stop was swallowed.
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
        stopper.listen()  # in case a listener replaced ours meanwhile
        task = asyncio.current_task()
        if task is not None:
            stopper.watch_phase(task)


def run(app: Sanic, **run_args: Any) -> None:
    """`app.run` with our handlers only: Sanic's would lose or mishandle a signal during start-up."""
    if not getattr(app.ctx, "stops_on_signals", False):
        stop_on_signals(app)
    _sanic_run(app, **{**run_args, "register_sys_signals": False})


_sanic_run = Sanic.run


def _run_as_ours(app: Sanic, host: Optional[str] = None, port: Optional[int] = None, **run_args: Any) -> None:
    run(app, host=host, port=port, **run_args)


def for_every_app() -> None:
    """Makes every `app.run` in this process go through `run`, for a server whose `app.run` call is
    someone else's code: Rasa's, in `python -m bot.rasa_server`. Its channels put our handlers on
    their blueprints (`stop_on_signals`), early; this keeps Sanic's own from replacing them."""
    Sanic.run = _run_as_ours  # type: ignore[method-assign]
