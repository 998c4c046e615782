"""GET /callbacks and /callbacks/{id}: the call-back queue for integrations (scope callbacks:read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from kyphoplan.api import access
from kyphoplan.api.auth import caller_with
from kyphoplan.api.errors import ApiError, ErrorOut
from kyphoplan.api.models import Scope
from kyphoplan.api.pagination import Page, PageQuery
from kyphoplan.callbacks.models import CallbackRequest, Status
from kyphoplan.web.keyset import BadCursor
from kyphoplan.web.net import client_ip

router = Router(tags=["callbacks"])


class CallbackOut(Schema):
    id: UUID
    reference: str
    created_at: datetime
    due_by: datetime
    status: Status
    close_reason: str
    name: str
    phone_e164: str
    email: str
    language: str
    reason: str
    best_days: list[str]
    best_times: list[str]
    consent_call: bool
    consent_text: bool
    assigned_to: str | None


class CallbackFilter(PageQuery):
    status: Status | None = None


def _out(req: CallbackRequest) -> dict[str, Any]:
    fields = {name: getattr(req, name) for name in CallbackOut.model_fields if name != "assigned_to"}
    return {**fields, "assigned_to": req.assigned_to.get_username() if req.assigned_to else None}


@router.get("", response={200: Page[CallbackOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="List call-back requests, oldest first (scope callbacks:read)")
def list_callbacks(request: HttpRequest, filters: Query[CallbackFilter]) -> dict[str, Any]:
    caller = caller_with(request, Scope.CALLBACKS_READ)
    try:
        found = access.access_callbacks(
            caller, statuses=[filters.status] if filters.status else None, after=filters.cursor,
            count=filters.page_size, ip=client_ip(request), via="api",
        )
    except BadCursor as exc:
        raise ApiError(422, "invalid", str(exc), "cursor") from None
    return {"items": [_out(r) for r in found.rows], "next_cursor": found.next, "page_size": filters.page_size}


@router.get("/{request_id}", response={200: CallbackOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                       422: ErrorOut},
            summary="Read one call-back request (scope callbacks:read)")
def get_callback(request: HttpRequest, request_id: UUID) -> dict[str, Any]:
    caller = caller_with(request, Scope.CALLBACKS_READ)
    try:
        return _out(access.access_callback(caller, request_id, ip=client_ip(request), via="api"))
    except CallbackRequest.DoesNotExist:
        raise Http404 from None
