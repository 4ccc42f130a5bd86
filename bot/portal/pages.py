"""The portal's HTML pages (demo government site `/`, printable notice `/notice`), strict CSP."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot import clock
from bot.catalogue.catalogue import Catalogue
from bot.engine.wording import date_text
from bot.page_templates import PageTemplates
from bot.settings import Settings

bp = Blueprint("pages")
TEMPLATES = Path(__file__).with_name("templates")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Settings) -> str:
    """Only our own scripts and styles run; the page may talk to itself and the Rasa server."""
    return "; ".join([
        "default-src 'self'",
        f"connect-src 'self' {origin(settings.public_url or settings.rasa_url)}",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


render = PageTemplates(TEMPLATES).render


def page(request: Request, name: str, status: int = 200, **values: str) -> HTTPResponse:
    settings: Settings = request.app.ctx.settings
    # Behind a proxy (the cluster's nginx) the chat and the portal share its public origin.
    body = render(name, RASA_URL=settings.public_url or settings.rasa_url,
                  PORTAL_URL=settings.public_url or settings.portal_url, **values)
    return response.html(body, status=status, headers={
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # Pages are small and carry the current ports; always fetch them fresh.
        "Cache-Control": "no-store",
    })


@bp.route("/", methods=["GET", "HEAD"])
async def home(request: Request) -> HTTPResponse:
    return page(request, "portal.html")


@bp.route("/notice", methods=["GET", "HEAD"])
async def notice(request: Request) -> HTTPResponse:
    return page(request, "notice.html", **notice_values(request.app.ctx.engine.catalogue))


def notice_values(cat: Catalogue) -> dict:
    """What the printed sheet says besides the conversation's data: the service centre where the
    一窗受理 window is (rules/departments.yml) and the day it is printed, in China time."""
    centre = cat.sites[cat.service_centre]
    today = clock.today()
    return {"CENTRE_NAME": centre.name, "CENTRE_ADDRESS": centre.address, "CENTRE_HOURS": centre.hours,
            "CENTRE_PHONE": centre.phone or "", "TODAY": today.isoformat(), "TODAY_TEXT": date_text(cat, today)}
