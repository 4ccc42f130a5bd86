"""The application endpoints: submit, look up by id or receipt number, move status on."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.intake.auth import require_token
from bot.intake.contract import StatusChange
from bot.intake.errors import ApiError
from bot.intake.next_steps import next_steps_for
from bot.intake.responses import json_response
from bot.intake.validation import check_application, parse_or_errors
from bot.json_body import BodyProblem, parse_json

logger = logging.getLogger(__name__)

applications_bp = Blueprint("applications")


def _json_body(request: Request) -> Any:
    try:
        return parse_json(request.body or b"")
    except BodyProblem as problem:
        code = "malformed_json" if problem.code == "invalid_json" else problem.code
        raise ApiError(problem.status, code, str(problem)) from None


@applications_bp.post("/applications")
@require_token
async def submit(request: Request) -> HTTPResponse:
    raw = _json_body(request)
    application, errors = check_application(raw, request.app.ctx.bundle_ids)
    if application is None:
        # Fields and codes only, never values: the values are personal data.
        logger.info(
            "rejected application %s: %s",
            raw.get("idempotency_key") if isinstance(raw, dict) else None,
            ", ".join(f"{e.field}:{e.code}" for e in errors),
        )
        raise ApiError(422, "validation_failed", "the application has errors", errors)
    created, is_new = await asyncio.to_thread(
        request.app.ctx.store.submit, application, next_steps_for
    )
    logger.info(
        "%s application %s receipt %s bundle %s via %s",
        "stored" if is_new else "replayed", created.application_id, created.receipt_no,
        application.bundle_id, application.channel,
    )
    return json_response(
        created.dict(), status=201 if is_new else 200,
        headers={"Location": f"/applications/{created.application_id}"},
    )


@applications_bp.get("/applications/<application_id:str>")
@require_token
async def show(request: Request, application_id: str) -> HTTPResponse:
    view = await asyncio.to_thread(request.app.ctx.store.view, application_id)
    return json_response(view.dict())


@applications_bp.get("/applications")
@require_token
async def find_by_receipt(request: Request) -> HTTPResponse:
    receipt_no = (request.args.get("receipt_no") or "").strip().upper()
    if not receipt_no:
        raise ApiError(400, "receipt_no_required", "give ?receipt_no= to look an application up")
    view = await asyncio.to_thread(request.app.ctx.store.view_by_receipt, receipt_no)
    return json_response(view.dict())


@applications_bp.post("/applications/<application_id:str>/status")
@require_token
async def change_status(request: Request, application_id: str) -> HTTPResponse:
    change, errors = parse_or_errors(StatusChange, _json_body(request))
    if change is None:
        raise ApiError(422, "validation_failed", "the status change has errors", errors)
    view = await asyncio.to_thread(
        request.app.ctx.store.change_status, application_id, change.status, change.note
    )
    logger.info("application %s is now %s", application_id, change.status)
    return json_response(view.dict())
