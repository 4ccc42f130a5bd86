"""`/api/v1`: routing and the bundle catalogue as JSON, for the widget's browse view and agents."""

from __future__ import annotations

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.catalogue.model import Bundle
from bot.engine.engine import Engine
from bot.engine.outcome import item_site
from bot.json_body import BodyProblem, parse_json

bp = Blueprint("catalogue_api", url_prefix="/api/v1")
MAX_ROUTE_TEXT = 500


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


def bundle_summary(engine: Engine, bundle_id: str) -> dict:
    cat = engine.catalogue
    bundle = cat.summaries[bundle_id]
    return {
        "bundle_id": bundle.id, "name": bundle.name, "short_name": bundle.short_name,
        "audience": bundle.audience, "audience_name": cat.audiences.get(bundle.audience),
        "category": bundle.category, "category_name": cat.categories[bundle.category].name,
        "description": bundle.description,
        "lead_department": cat.departments[bundle.lead_department].name,
        "items": bundle.items, "questions": bundle.questions,
    }


def bundle_detail(engine: Engine, bundle: Bundle) -> dict:
    cat = engine.catalogue
    detail = bundle_summary(engine, bundle.id)
    detail.update({
        "version": bundle.version,
        "effective_from": bundle.effective_from.isoformat(),
        "references": [r.dict(exclude_none=True) for r in bundle.references],
        "items": [
            {
                "item_id": i.id, "code": i.code, "name": i.name,
                "department": cat.departments[i.department].name,
                "window": i.window or cat.departments[i.department].window,
                "site": item_site(cat, i),
                "handling_mode": i.handling_mode,
                "handling_mode_label": cat.label("handling_mode", i.handling_mode),
                "trips": i.trips, "legal_days": i.time_limit.legal_days,
                "promised_days": i.time_limit.promised_days, "fee": i.fee, "fee_note": i.fee_note,
                "conditional": i.when is not None,
            }
            for i in bundle.items
        ],
        "questions": [
            {"question_id": q.id, "text": q.text, "kind": q.kind, "why": q.why,
             "options": [{"value": o.value, "label": o.label} for o in q.options]}
            for q in bundle.questions
        ],
    })
    return detail


@bp.post("/route")
async def route(request: Request) -> HTTPResponse:
    try:
        body = parse_json(request.body or b"")
    except BodyProblem as problem:
        return _error(problem.status, problem.code, "the body must be a JSON object like {\"text\": \"…\"}")
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        return _error(400, "text_required", "`text` must be a non-empty string")
    limit = body.get("limit", 3)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 10:
        return _error(400, "invalid_limit", "`limit` must be an integer from 1 to 10")
    engine: Engine = request.app.ctx.engine
    candidates = engine.route(text[:MAX_ROUTE_TEXT], limit)
    return response.json({"candidates": [
        {"bundle_id": c.bundle_id, "name": c.name, "score": c.score} for c in candidates]})


@bp.get("/bundles")
async def bundles(request: Request) -> HTTPResponse:
    engine: Engine = request.app.ctx.engine
    return response.json({
        "catalogue_version": engine.catalogue.version,
        "bundles": [bundle_summary(engine, b) for b in engine.catalogue.summaries],
        "categories": engine.categories(),
    })


@bp.get("/bundles/<bundle_id:str>")
async def bundle(request: Request, bundle_id: str) -> HTTPResponse:
    engine: Engine = request.app.ctx.engine
    if bundle_id not in engine.catalogue.bundles:
        return _error(404, "unknown_bundle", f"no bundle with id {bundle_id!r}")
    return response.json(bundle_detail(engine, engine.catalogue.bundle(bundle_id)))
