"""Every failure answered as JSON: API errors, storage trouble (503, retryable), the rest."""

from __future__ import annotations

import logging
from typing import List, Optional

from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from bot.intake.contract import FieldError
from bot.intake.responses import error_response
from bot.intake.store import FinalStatusError, IdempotencyConflict, NotFound

logger = logging.getLogger(__name__)

# Seconds a client should wait before retrying after a 503.
RETRY_AFTER_S = 5


class ApiError(Exception):
    """Raised by a handler to answer with a JSON error of its choosing."""

    def __init__(
        self, status: int, error: str, message: str, errors: Optional[List[FieldError]] = None
    ):
        super().__init__(message)
        self.status, self.error, self.message, self.errors = status, error, message, errors


def _api_error(_request: Request, exc: ApiError) -> HTTPResponse:
    return error_response(exc.status, exc.error, exc.message, exc.errors)


def _not_found(_request: Request, _exc: NotFound) -> HTTPResponse:
    return error_response(404, "not_found", "no such application")


def _conflict(_request: Request, exc: Exception) -> HTTPResponse:
    if isinstance(exc, IdempotencyConflict):
        return error_response(
            409, "idempotency_key_reused", "this idempotency key was used for another application"
        )
    return error_response(409, "final_status", f"the application is already {exc}")


def _storage_unavailable(request: Request, exc: Exception) -> HTTPResponse:
    # A locked, full or unreachable database: nothing was committed, so a retry is safe.
    logger.error("storage unavailable on %s %s: %s", request.method, request.path, exc.orig)
    return error_response(
        503, "storage_unavailable", "the application store is busy or unavailable; retry later",
        headers={"Retry-After": str(RETRY_AFTER_S)}, retryable=True,
    )


def _sanic_error(_request: Request, exc: SanicException) -> HTTPResponse:
    status = getattr(exc, "status_code", 500) or 500
    return error_response(status, "http_error", str(exc) or "request failed")


def _unexpected(request: Request, exc: Exception) -> HTTPResponse:
    logger.exception("unexpected error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "internal_error", "unexpected error; the request was not stored")


def register_error_handlers(app: Sanic) -> None:
    app.error_handler.add(ApiError, _api_error)
    app.error_handler.add(NotFound, _not_found)
    app.error_handler.add(IdempotencyConflict, _conflict)
    app.error_handler.add(FinalStatusError, _conflict)
    for storage_error in (OperationalError, InterfaceError, DisconnectionError):
        app.error_handler.add(storage_error, _storage_unavailable)
    app.error_handler.add(SanicException, _sanic_error)
    app.error_handler.add(Exception, _unexpected)
