"""The stand-in WeChat as a Sanic app: WeChat's own endpoints (cgi-bin/token, the customer-service
send and typing calls, sns/jscode2session) and `/_standin/…` for the people it plays: push a
message to the bot as a person would, read what the bot sent them, break the send API."""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Dict, Optional

import aiohttp
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot import stop_signals
from bot.settings import Settings, get_settings
from bot.wechat.config import WEBHOOK_PATH, WeChatConfig, wechat_config
from bot.wechat_standin.pushes import PushSigner
from bot.wechat_standin.world import WeChatError, World

logger = logging.getLogger(__name__)
PUSH_TIMEOUT_S = 5.0  # WeChat gives up on a push after 5 seconds
MAX_REPEAT = 4
_KINDS = ("text", "image", "miniprogrampage", "enter")


def create_app(settings: Optional[Settings] = None, config: Optional[WeChatConfig] = None) -> Sanic:
    settings = settings or get_settings()
    config = config or wechat_config(settings)
    app = Sanic("wechat_standin")
    app.config.FALLBACK_ERROR_FORMAT = "json"
    world = World(appid=config.appid, secret=config.secret)
    signer = PushSigner(config.token, config.aes_key, config.appid, mode=config.mode)
    webhook = f"{settings.rasa_url}{WEBHOOK_PATH}"
    allowed_origin = settings.portal_url  # the /dev/wechat page talks to the stand-in
    app.ctx.world = world

    def cors(resp: HTTPResponse, request: Request) -> HTTPResponse:
        if request.headers.get("origin") == allowed_origin:
            resp.headers["Access-Control-Allow-Origin"] = allowed_origin
            resp.headers["Vary"] = "Origin"
        return resp

    def wechat_answer(work) -> HTTPResponse:
        try:
            return response.json({"errcode": 0, "errmsg": "ok", **(work() or {})})
        except WeChatError as error:
            world.note_error(error.errcode)
            return response.json(error.body())

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    # -- WeChat's endpoints -------------------------------------------------------------------------

    @app.get("/cgi-bin/token")
    async def token(request: Request) -> HTTPResponse:
        def work() -> Dict[str, Any]:
            if request.args.get("grant_type") != "client_credential":
                raise WeChatError(40002, "invalid grant_type")
            issued, expires_in = world.issue_token(request.args.get("appid", ""), request.args.get("secret", ""),
                                                   time.time())
            return {"access_token": issued, "expires_in": expires_in}

        return wechat_answer(work)

    @app.post("/cgi-bin/message/custom/send")
    @app.post("/cgi-bin/message/custom/business/send", name="business_send")
    async def send(request: Request) -> HTTPResponse:
        if world.send_api_down:
            return response.text("service unavailable", status=503)

        def work() -> None:
            now = time.time()
            world.check_token(request.args.get("access_token"), now)
            world.accept(_json(request), now)

        return wechat_answer(work)

    @app.post("/cgi-bin/message/custom/typing")
    @app.post("/cgi-bin/message/custom/business/typing", name="business_typing")
    async def typing(request: Request) -> HTTPResponse:
        def work() -> None:
            now = time.time()
            world.check_token(request.args.get("access_token"), now)
            body = _json(request) or {}
            user = world.users.get(body.get("touser"))
            if user is None:
                raise WeChatError(40003, "invalid openid")
            if body.get("command") not in ("Typing", "CancelTyping"):
                raise WeChatError(40097, "invalid args: command")
            if now - user.last_interaction > 30:
                raise WeChatError(45047, "no interaction in the last 30 seconds")
            world.typing.append({"openid": body["touser"], "command": body["command"], "at": now})

        return wechat_answer(work)

    @app.get("/sns/jscode2session")
    async def jscode2session(request: Request) -> HTTPResponse:
        def work() -> Dict[str, str]:
            if request.args.get("grant_type") != "authorization_code":
                raise WeChatError(40002, "invalid grant_type")
            return world.code_to_session(request.args.get("appid", ""), request.args.get("secret", ""),
                                         request.args.get("js_code", ""))

        return wechat_answer(work)

    # -- the people it plays --------------------------------------------------------------------------

    @app.post("/_standin/push")
    async def push(request: Request) -> HTTPResponse:
        """{openid, kind: text|image|miniprogrampage|enter, content?, repeat?}: one push, sent
        `repeat` times as WeChat's retries are (same MsgId, same body)."""
        body = _json(request) or {}
        openid, kind = body.get("openid"), body.get("kind", "text")
        if not isinstance(openid, str) or not 0 < len(openid) <= 64 or kind not in _KINDS:
            return cors(response.json({"error": "need openid (≤64 chars) and kind in " + "|".join(_KINDS)},
                                      status=400), request)
        repeat = min(max(int(body.get("repeat") or 1), 1), MAX_REPEAT)
        now = time.time()
        fields = _fields(signer, world, openid, kind, body)
        (world.person_entered if kind == "enter" else world.person_wrote)(openid, now)
        query, payload, content_type = signer.push(fields)
        attempts = []
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PUSH_TIMEOUT_S)) as session:
            for _ in range(repeat):
                attempts.append(await _deliver(session, webhook, query, payload, content_type))
        record = {"openid": openid, "kind": kind, "msg_id": fields.get("MsgId"), "attempts": attempts}
        world.pushes.append(record)
        return cors(response.json({**record, "sent_before": len(world.sent)}), request)

    @app.post("/_standin/login")
    async def login(request: Request) -> HTTPResponse:
        """What wx.login() gives the mini-program: a one-time code for this openid."""
        body = _json(request) or {}
        openid = body.get("openid")
        if not isinstance(openid, str) or not 0 < len(openid) <= 64:
            return cors(response.json({"error": "need openid"}, status=400), request)
        return cors(response.json({"code": world.login_code(openid)}), request)

    @app.get("/_standin/sent")
    async def sent(request: Request) -> HTTPResponse:
        openid = request.args.get("openid", "")
        after = int(request.args.get("after", "0") or 0) if request.args.get("after", "0").isdigit() else 0
        return cors(response.json({"messages": world.sent_to(openid, after), "last": len(world.sent)}), request)

    @app.get("/_standin/stats")
    async def stats(request: Request) -> HTTPResponse:
        return cors(response.json({
            "token_fetches": world.token_fetches, "sent": len(world.sent), "typing": len(world.typing),
            "pushes": len(world.pushes), "errors": world.errors, "send_api_down": world.send_api_down,
        }), request)

    @app.post("/_standin/control")
    async def control(request: Request) -> HTTPResponse:
        """{send_api: up|down, invalidate_tokens: true, token_lifetime_s: n} (tests)."""
        body = _json(request) or {}
        if body.get("send_api") in ("up", "down"):
            world.send_api_down = body["send_api"] == "down"
        if body.get("invalidate_tokens"):
            world.invalidate_tokens()
        if isinstance(body.get("token_lifetime_s"), int) and body["token_lifetime_s"] > 0:
            world.token_lifetime_s = body["token_lifetime_s"]
        return response.json({"send_api_down": world.send_api_down, "tokens": len(world.tokens)})

    return app


def _json(request: Request) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


def _fields(signer: PushSigner, world: World, openid: str, kind: str, body: Dict[str, Any]) -> Dict[str, Any]:
    if kind == "enter":
        return signer.fields(openid, "event", Event="user_enter_tempsession",
                             SessionFrom=str(body.get("session_from") or "dev-page"))
    msg_id = world.new_msg_id()
    if kind == "image":
        return signer.fields(openid, "image", msg_id, PicUrl="https://example.invalid/photo.jpg",
                             MediaId="standin-media-1")
    if kind == "miniprogrampage":
        return signer.fields(openid, "miniprogrampage", msg_id, Title="小程序页面", AppId=world.appid,
                             PagePath="pages/index/index", ThumbUrl="", ThumbMediaId="standin-thumb")
    return signer.fields(openid, "text", msg_id, Content=str(body.get("content") or ""))


async def _deliver(session: aiohttp.ClientSession, url: str, query: Dict[str, str], payload: bytes,
                   content_type: str) -> Dict[str, Any]:
    started = time.perf_counter()
    try:
        async with session.post(url, params=query, data=payload, headers={"Content-Type": content_type}) as resp:
            answer = (await resp.text())[:200]
            status = resp.status
    except (TimeoutError, aiohttp.ClientError) as error:
        answer, status = f"no answer: {type(error).__name__}", 0
    return {"status": status, "body": answer, "ms": round((time.perf_counter() - started) * 1000, 1)}


def main() -> None:
    from bot.privacy import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    config = wechat_config(settings)
    if settings.profile != "embedded":
        raise SystemExit("the WeChat stand-in runs only in the embedded profile")
    stop_signals.run(create_app(settings, config), host=settings.host, port=settings.wechat_standin_port,
                     workers=1, access_log=False, motd=False)
