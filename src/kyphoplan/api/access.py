"""Reads of patient data by integrations (REST and FHIR): each checks the token owner's
permission and writes an audit row naming the owner, the token and the records."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kyphoplan.api.tokens import Caller
from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.callbacks.access import VIEW as VIEW_CALLBACKS
from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.callbacks.services import OBJECT_TYPE as CALLBACK


def _check(caller: Caller, perm: str, ip: str | None, what: str, via: str) -> None:
    if not caller.user.has_perm(perm):  # type: ignore[attr-defined]
        record(caller.user, Action.DENIED, ip=ip, object_type=CALLBACK,
               detail={"tried": what, "via": via, "token": caller.token.prefix})
        raise PermissionDenied


def access_callback(caller: Caller, request_id: object, *, ip: str | None, via: str) -> CallbackRequest:
    _check(caller, VIEW_CALLBACKS, ip, "read", via)
    req = CallbackRequest.objects.select_related("assigned_to").get(pk=request_id)
    record(caller.user, Action.VIEW, ip=ip, object_type=CALLBACK, object_id=req.pk,
           detail={"via": via, "token": caller.token.prefix})
    return req


def access_callbacks(
    caller: Caller, *, statuses: list[str] | None, offset: int, count: int, ip: str | None, via: str
) -> tuple[list[CallbackRequest], int]:
    _check(caller, VIEW_CALLBACKS, ip, "search", via)
    qs = CallbackRequest.objects.select_related("assigned_to").order_by("created_at", "id")
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    total = qs.count()
    rows = list(qs[offset:offset + count])
    record(caller.user, Action.SEARCH, ip=ip, object_type=CALLBACK,
           detail={"via": via, "token": caller.token.prefix, "count": len(rows),
                   "ids": [str(r.pk) for r in rows]})
    return rows, total
