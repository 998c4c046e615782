"""FHIR R4 REST endpoints at /fhir/: metadata (public), then token-authenticated read and search."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kyphoplan.api import access
from kyphoplan.api.models import Scope
from kyphoplan.api.tokens import Caller, from_header
from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.fhir import candidacy, pathway
from kyphoplan.fhir.capability import capability_statement
from kyphoplan.fhir.create import create_questionnaire_response
from kyphoplan.fhir.http import base_url, bundle, outcome, page_bundle, respond
from kyphoplan.fhir.questionnaire import QUESTIONNAIRE_ID, questionnaire
from kyphoplan.fhir.resources import TASK_STATUS, task_from_callback
from kyphoplan.fhir.search_params import SearchError, parse_paging
from kyphoplan.web.keyset import BadCursor
from kyphoplan.web.net import client_ip

MAX_COUNT = 100


def _caller(request: HttpRequest, scope: Scope) -> Caller | HttpResponse:
    caller = from_header(request.headers.get("Authorization", ""), now=timezone.now())
    if caller is None:
        response = outcome(401, "login", "a valid integration token is required")
        response.headers["WWW-Authenticate"] = 'Bearer realm="kyphoplan"'
        return response
    if not caller.has(scope):
        return outcome(403, "forbidden", f"the token lacks the {scope.value} scope")
    return caller


def metadata(request: HttpRequest) -> HttpResponse:
    return respond(capability_statement(base_url(), timezone.now()))


def _task_read(caller: Caller, request: HttpRequest, rid: str) -> HttpResponse:
    try:
        req = access.access_callback(caller, uuid.UUID(rid), ip=client_ip(request), via="fhir")
    except (ValueError, CallbackRequest.DoesNotExist):
        return outcome(404, "not-found", f"Task/{rid} is not known")
    return respond(task_from_callback(req))


_FROM_TASK_STATUS: dict[str, list[str]] = {}
for ours, theirs in TASK_STATUS.items():
    _FROM_TASK_STATUS.setdefault(theirs, []).append(ours)


def _task_search(caller: Caller, request: HttpRequest) -> HttpResponse:
    unknown = set(request.GET) - {"status", "_count", "_cursor"}
    if unknown:
        return outcome(400, "not-supported", f"unsupported search parameters: {', '.join(sorted(unknown))}")
    raw_count = request.GET.get("_count", "50")
    if not raw_count.isdigit() or len(raw_count) > 6:
        return outcome(400, "invalid", "_count must be a whole number")
    count = min(max(int(raw_count), 1), MAX_COUNT)
    fhir_status = request.GET.get("status")
    statuses = _FROM_TASK_STATUS.get(fhir_status, []) if fhir_status else None
    try:
        # Keyset paging: the next link carries the last row's sort key, never an offset.
        found = access.access_callbacks(caller, statuses=statuses, after=request.GET.get("_cursor") or None,
                                        count=count, ip=client_ip(request), via="fhir")
    except BadCursor:
        return outcome(400, "invalid", "_cursor is not one this server made; start again from the first page")
    return respond(bundle("Task", [task_from_callback(r) for r in found.rows], None, request,
                          next_cursor=found.next, count=count))


def _questionnaire_read(caller: Caller, request: HttpRequest, rid: str) -> HttpResponse:
    if rid != QUESTIONNAIRE_ID:
        return outcome(404, "not-found", f"Questionnaire/{rid} is not known")
    return respond(questionnaire())


def _questionnaire_search(caller: Caller, request: HttpRequest) -> HttpResponse:
    try:
        count, offset = parse_paging(request.GET)
    except SearchError as e:
        return outcome(400, "invalid", str(e))
    return respond(page_bundle("Questionnaire", [questionnaire()], request, count, offset))


Read = Callable[[Caller, HttpRequest, str], HttpResponse]
Search = Callable[[Caller, HttpRequest], HttpResponse]
# Resource types served now; the CapabilityStatement is built from this table.
READ: dict[str, Read] = {"Task": _task_read, "Questionnaire": _questionnaire_read, **pathway.READ,
                         **candidacy.READ}  # candidacy: issue 14
SEARCH: dict[str, Search] = {"Task": _task_search, "Questionnaire": _questionnaire_search, **pathway.SEARCH,
                             **candidacy.SEARCH}


def _run(request: HttpRequest, handler: Callable[..., HttpResponse] | None, scope: Scope,
         missing: tuple[int, str], *args: str) -> HttpResponse:
    """Token and scope first, then the handler; a refused role becomes a 403 OperationOutcome."""
    if handler is None:
        return outcome(missing[0], "not-supported", missing[1])
    caller = _caller(request, scope)
    if isinstance(caller, HttpResponse):
        return caller
    try:
        return handler(caller, request, *args)
    except PermissionDenied:
        return outcome(403, "forbidden", "the token's owner may not do this")


CREATE: dict[str, Search] = {"QuestionnaireResponse": create_questionnaire_response}


def read(request: HttpRequest, kind: str, rid: str) -> HttpResponse:
    return _run(request, READ.get(kind), Scope.FHIR_READ, (404, f"{kind} is not served here"), rid)


def vread(request: HttpRequest, kind: str, rid: str, vid: str) -> HttpResponse:
    """Only plan-backed resources have versions; a signed CarePlan's version never changes,
    a draft's earlier versions (before an overlay) are not kept."""
    if kind != "CarePlan":
        return outcome(404, "not-supported", f"{kind} has no version history here")
    response = read(request, kind, rid)
    if response.status_code != 200 or response.headers.get("ETag") == f'W/"{vid}"':
        return response
    return outcome(404, "not-found", f"{kind}/{rid} version {vid} is not kept (current: {response.headers['ETag']})")


def type_endpoint(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: search; POST: create (QuestionnaireResponse only, scope fhir:write)."""
    if request.method == "POST":
        return _run(request, CREATE.get(kind), Scope.FHIR_WRITE, (405, f"{kind} cannot be created here"))
    return _run(request, SEARCH.get(kind), Scope.FHIR_READ, (404, f"{kind} is not served here"))
