"""What the widget reads of its own conversation outside a reply: `GET /api/v1/conversations/<id>/
stream`, the messages that reach the person outside a reply (an application delivered later, an
agent's words) as server-sent events; `GET …/<id>/current`, the last turn's messages, so that a
reloaded page or a second tab shows where the conversation stands.

Pushed messages are rows of the transcript (bot/dialogue/delivery.py), written by whichever
process had something to say; one hub per portal process polls for new ones and hands them to
the streams open on it, so a message reaches the person whichever process holds the stream."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import deque
from typing import Callable, Deque, Dict, List, Optional, Set

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.dialogue.store import ConversationStore, Line
from bot.sessions import SessionProblem

logger = logging.getLogger(__name__)
bp = Blueprint("conversation_stream")

POLL_S = 0.4  # a pushed message shows in the widget within about this long
# Rows written by other processes may commit out of id order (PostgreSQL sequences): each
# poll looks back this many ids, and a stream never sends one id twice.
LOOK_BACK = 50
# A stream that closed is still reported this long with the time it closed: a person who presses
# 转人工 and closes the page before the desk's next look (every second) is recorded as seen, then as
# gone. Ten looks are plenty, and each closed stream costs every look an update meanwhile.
CLOSED_KEPT_S = 10.0
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


class PushHub:
    def __init__(self, store: ConversationStore, poll_s: float = POLL_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.poll_s = poll_s
        self.clock = clock
        self.cursor = 0
        self._streams: Dict[str, Set[asyncio.Queue]] = {}
        self._closed: Dict[str, float] = {}  # conversation -> when its last stream here closed
        self._task: Optional[asyncio.Task] = None

    async def start(self) -> None:
        self.cursor = await self.store.last_line_id()
        self._task = asyncio.create_task(self._run(), name="push-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def presence(self) -> Dict[str, float]:
        """When each conversation last had a widget open on this process: now for an open stream,
        the moment it closed for one closed in the last CLOSED_KEPT_S."""
        now = self.clock()
        self._closed = {c: t for c, t in self._closed.items() if t >= now - CLOSED_KEPT_S}
        seen = dict(self._closed)
        seen.update((conversation_id, now) for conversation_id in self._streams)
        return seen

    def subscribe(self, conversation_id: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=200)
        self._streams.setdefault(conversation_id, set()).add(queue)
        return queue

    def unsubscribe(self, conversation_id: str, queue: asyncio.Queue) -> None:
        streams = self._streams.get(conversation_id)
        if streams is not None:
            streams.discard(queue)
            if not streams:
                del self._streams[conversation_id]
                self._closed[conversation_id] = self.clock()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.poll_s)
            if not self._streams:
                continue
            try:
                lines = await self.store.pushed_since(max(self.cursor - LOOK_BACK, 0))
            except Exception:  # noqa: BLE001 - the database is back soon; streams wait meanwhile
                logger.warning("push hub: could not read the transcript; retrying")
                continue
            for line in lines:
                self.cursor = max(self.cursor, line.id)
                for queue in list(self._streams.get(line.conversation_id, ())):
                    if not queue.full():
                        queue.put_nowait(line)


def _event(line: Line) -> str:
    return f"id: {line.id}\nevent: message\ndata: {json.dumps(line.message(), ensure_ascii=False)}\n\n"


def _alive(every_s: float) -> str:
    """Keeps proxies from closing an idle stream, and tells the widget how often to expect it: one
    that stops hearing it reopens the stream (bot/portal/static/widget/stream.js)."""
    return f"event: alive\ndata: {json.dumps({'every_s': every_s})}\n\n"


def _after(request: Request) -> int:
    raw = request.headers.get("last-event-id") or request.args.get("after") or "0"
    return int(raw) if raw.isdigit() and len(raw) < 19 else 0


def _cors(request: Request) -> Dict[str, str]:
    """A widget on another site's page (an origin the chat allows, settings.cors_origins) reads its
    own conversation here too; the session token in the query is the credential, never a cookie."""
    origin = request.headers.get("origin", "")
    if origin and origin in request.app.ctx.settings.allowed_origins:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {"Vary": "Origin"}


def _refused(request: Request, conversation_id: str) -> Optional[HTTPResponse]:
    """Both routes need the conversation's own session token (`?session=`: EventSource sends
    no headers); None when the request may go on."""
    if not _CONVERSATION_ID.match(conversation_id):
        return response.json({"error": "invalid_conversation_id", "message": "not a conversation id"}, status=400,
                             headers=_cors(request))
    try:
        request.app.ctx.sessions.check(request.args.get("session"), conversation_id)
    except SessionProblem as problem:
        status = 403 if problem.code == "session_mismatch" else 401
        return response.json({"error": problem.code, "message": "this conversation needs its own session"},
                             status=status, headers=_cors(request))
    return None


@bp.get("/api/v1/conversations/<conversation_id>/current")
async def current(request: Request, conversation_id: str) -> HTTPResponse:
    refused = _refused(request, conversation_id)
    if refused is not None:
        return refused
    found = await request.app.ctx.push_hub.store.find(conversation_id)
    headers = {"Cache-Control": "no-store", **_cors(request)}
    if found is None:
        return response.json({"turn": 0, "messages": []}, headers=headers)
    messages = [{k: v for k, v in say.items() if v} for say in found.last_reply or []]
    return response.json({"turn": found.turn, "stage": found.state.stage.value, "messages": messages},
                         headers=headers)


@bp.get("/api/v1/conversations/<conversation_id>/stream")
async def stream(request: Request, conversation_id: str) -> Optional[HTTPResponse]:
    refused = _refused(request, conversation_id)
    if refused is not None:
        return refused
    hub: PushHub = request.app.ctx.push_hub
    queue = hub.subscribe(conversation_id)
    sent: Deque[int] = deque(maxlen=500)
    try:
        caught_up: List[Line] = await hub.store.pushed_after(conversation_id, _after(request))
        out = await request.respond(content_type="text/event-stream; charset=utf-8",
                                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no",
                                             **_cors(request)})
        every_s = request.app.ctx.settings.stream_keepalive_s
        await out.send(": connected\n\n" + _alive(every_s))
        for line in caught_up:
            await out.send(_event(line))
            sent.append(line.id)
        while True:
            try:
                line = await asyncio.wait_for(queue.get(), every_s)
            except TimeoutError:
                await out.send(_alive(every_s))
                continue
            if line.id not in sent and line.id > _after(request):
                await out.send(_event(line))
                sent.append(line.id)
    finally:
        hub.unsubscribe(conversation_id, queue)
    return None
