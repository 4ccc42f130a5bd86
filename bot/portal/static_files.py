"""`/static/…`: the widget, portal and notice assets, with explicit content types."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request, response
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse

bp = Blueprint("static_files", url_prefix="/static")
STATIC = Path(__file__).with_name("static").resolve()
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}


@bp.route("/<path:path>", methods=["GET", "HEAD"])
async def asset(request: Request, path: str) -> HTTPResponse:
    target = (STATIC / path).resolve()
    # Resolve first, then check: "../" or symlinks must not reach outside the static folder.
    if not (target.is_relative_to(STATIC) and target.is_file() and target.suffix in CONTENT_TYPES):
        raise NotFound("no such file")
    return await response.file(target, mime_type=CONTENT_TYPES[target.suffix], headers={
        "X-Content-Type-Options": "nosniff",
        # The widget is loaded by other origins' pages too (one script tag on any host page).
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "no-cache",
    })
