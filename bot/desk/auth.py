"""Who may use the desk: the staff session cookie (HttpOnly, SameSite=Strict, path /desk), the CSRF
token every state-changing request must carry, and polite JSON errors instead of tracebacks.
A citizen's browser has no staff session: every /desk page sends it to the sign-in form and every
/desk API answers 401."""

from __future__ import annotations

import hmac
import logging
from functools import wraps
from typing import Any, Awaitable, Callable, Optional
from urllib.parse import urlsplit

from sanic import Request, response
from sanic.response import HTTPResponse

from bot.db import DatabaseUnavailable
from bot.desk.accounts import SESSION_S, AccountError, Session
from bot.desk.control import DeskError
from bot.desk.tickets import TicketError
from bot.dialogue.store import ConversationBusy, LeaseLost
from bot.json_body import BodyProblem, parse_json_object

logger = logging.getLogger(__name__)
COOKIE = "desk_session"
LOGIN_CSRF = "desk_login_csrf"
CSRF_HEADER = "x-csrf-token"

Handler = Callable[..., Awaitable[HTTPResponse]]


def secure(request: Request) -> bool:
    return urlsplit(request.app.ctx.settings.portal_url).scheme == "https"


def set_cookie(resp: HTTPResponse, request: Request, name: str, value: str, path: str, max_age: int) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = path
    cookie["max-age"] = max_age
    if secure(request):
        cookie["secure"] = True


def set_session(resp: HTTPResponse, request: Request, token: str) -> None:
    set_cookie(resp, request, COOKIE, token, "/desk", int(SESSION_S))


def clear_session(resp: HTTPResponse, request: Request) -> None:
    set_cookie(resp, request, COOKIE, "", "/desk", 0)


async def current(request: Request) -> Optional[Session]:
    return await request.app.ctx.desk.accounts.session(request.cookies.get(COOKIE))


def same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def error(code: str, status: int, **detail: Any) -> HTTPResponse:
    return response.json({"error": code, **detail}, status=status, headers={"Cache-Control": "no-store"})


def staff_api(supervisor: bool = False) -> Callable[[Handler], Handler]:
    """A desk API: a signed-in staff member (a supervisor if asked), the CSRF token on every POST."""

    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def run(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            try:
                session = await current(request)
                if session is None:
                    return error("not_signed_in", 401)
                if request.method != "GET" and not same(request.headers.get(CSRF_HEADER, ""), session.csrf):
                    return error("csrf", 403)
                if supervisor and not session.staff.supervisor:
                    return error("supervisors_only", 403)
                request.ctx.session = session
                request.ctx.staff = session.staff
                answer = await handler(request, *args, **kwargs)
            except DeskError as failure:
                return error(failure.code, failure.status, **failure.detail)
            except (AccountError, TicketError) as failure:
                return error(failure.code, 400)
            except (ConversationBusy, LeaseLost, DatabaseUnavailable):
                return error("busy", 503)
            except Exception:  # noqa: BLE001 - the agent gets a polite error, the log the traceback
                logger.exception("desk API %s failed", request.path)
                return error("failed", 500)
            answer.headers.setdefault("Cache-Control", "no-store")
            return answer

        return run

    return wrap


def body(request: Request) -> dict:
    """The JSON body as a dict (anything else is an empty one: each handler checks its fields)."""
    try:
        return parse_json_object(request.body or b"{}")
    except BodyProblem:  # malformed, too large or too deep: the same as missing fields
        return {}
