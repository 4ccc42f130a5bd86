"""`/desk` pages: the sign-in form (CSRF double-submit cookie, lockout), sign-out, the desk page
itself (plain HTML, our own scripts only, strict CSP), its static files, and the short link an
SMS carries to a printable 一次性告知单 (`/n/<token>`, public: the notice holds no personal data)."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote

from sanic import Blueprint, Request, response
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse

from bot.desk.auth import LOGIN_CSRF, clear_session, current, same, set_cookie, set_session
from bot.desk.guided import notice_payload
from bot.page_templates import PageTemplates

bp = Blueprint("desk_pages")
TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static").resolve()
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# The desk talks only to its own origin; nothing may frame it.
CSP = "; ".join([
    "default-src 'self'", "connect-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-store", "X-Frame-Options": "DENY"}
LOGIN_ERRORS = ("bad_credentials", "locked", "csrf", "missing")


render = PageTemplates(TEMPLATES).render


def _to(location: str) -> HTTPResponse:
    return response.redirect(location, status=303, headers={"Cache-Control": "no-store"})


@bp.get("/desk")
async def desk_page(request: Request) -> HTTPResponse:
    session = await current(request)
    if session is None:
        return _to("/desk/login")
    who = session.staff
    body = render("desk.html", CSRF=session.csrf, STAFF_ID=who.staff_id, NAME=who.name, ROLE=who.role)
    return response.html(body, headers=HEADERS)


@bp.get("/desk/login")
async def login_form(request: Request) -> HTTPResponse:
    if await current(request) is not None:
        return _to("/desk")
    token = secrets.token_urlsafe(24)
    problem = request.args.get("e", "")
    body = render("login.html", CSRF=token, ERROR=problem if problem in LOGIN_ERRORS else "")
    page = response.html(body, headers=HEADERS)
    set_cookie(page, request, LOGIN_CSRF, token, "/desk/login", 1800)
    return page


@bp.post("/desk/login")
async def login(request: Request) -> HTTPResponse:
    form = request.form or {}
    if not same(form.get("csrf", ""), request.cookies.get(LOGIN_CSRF, "")):
        return _to("/desk/login?e=csrf")
    login_name, password = form.get("login", "")[:64], form.get("password", "")[:256]
    if not login_name or not password:
        return _to("/desk/login?e=missing")
    desk = request.app.ctx.desk
    outcome = await desk.accounts.sign_in(login_name, password)
    if outcome.token is None:
        await desk.audit.record(None, "login_failed", login=login_name[:32], problem=outcome.problem)
        return _to(f"/desk/login?e={outcome.problem}")
    await desk.audit.record(outcome.staff.staff_id, "login")
    page = _to("/desk")
    set_session(page, request, outcome.token)
    set_cookie(page, request, LOGIN_CSRF, "", "/desk/login", 0)
    return page


@bp.post("/desk/logout")
async def logout(request: Request) -> HTTPResponse:
    session = await current(request)
    page = _to("/desk/login")
    if session is not None and same((request.form or {}).get("csrf", ""), session.csrf):
        desk = request.app.ctx.desk
        await desk.accounts.sign_out(request.cookies.get("desk_session", ""), session.staff.staff_id)
        await desk.audit.record(session.staff.staff_id, "logout")
        clear_session(page, request)
    return page


@bp.get("/desk/static/<name:str>")
async def asset(request: Request, name: str) -> HTTPResponse:
    target = (STATIC / name).resolve()
    if not (target.is_relative_to(STATIC) and target.is_file() and target.suffix in CONTENT_TYPES):
        raise NotFound("no such file")
    return await response.file(target, mime_type=CONTENT_TYPES[target.suffix],
                               headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})


@bp.get("/n/<token:str>")
async def notice_link(request: Request, token: str) -> HTTPResponse:
    """The SMS's short link: the printable notice page with the snapshot in its fragment."""
    payload = await notice_payload(request.app.ctx.desk, token)
    if payload is None:
        raise NotFound("no such notice")
    return response.redirect("/notice#" + quote(payload, safe=""), status=302,
                             headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
