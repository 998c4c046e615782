"""FHIR R4 routes for follow-up and fracture liaison, mounted before the generic /fhir/ routes
(web/urls.py) so the FHIR app's own module stays untouched:

    GET Questionnaire/<instrument id>          (other ids fall through to the FHIR app)
    GET Questionnaire                          (the FHIR app's intake questionnaire, then ours)
    GET QuestionnaireResponse?patient=<case>   GET QuestionnaireResponse/followup-<n>-<instrument>
    GET Observation?patient=<case>             GET Observation/followup-<n>-<instrument>.<score>
    GET Communication?patient=<case>           GET Communication/liaison-letter-<n>
    GET DocumentReference?patient=<case>       GET DocumentReference/liaison-letter-<n>

Same token and scope (fhir:read) as the rest of /fhir/; every read audited through access_case.
Where the FHIR app serves the type too, its handler checks the token, the role and the search
parameters, and its resources come first: `_merged` pages and filters the whole list as one.
The types are registered in the CapabilityStatement (apps.OutcomesConfig.ready).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from kyphoplan.api.models import Scope
from kyphoplan.api.tokens import Caller, from_header
from kyphoplan.cases.access import access_case
from kyphoplan.cases.models import Case
from kyphoplan.fhir import views as fhir_views
from kyphoplan.fhir.http import bundle, outcome, page_bundle, respond
from kyphoplan.fhir.questionnaire import questionnaire as intake_questionnaire
from kyphoplan.fhir.search_params import SearchError, narrow, parse_paging, parse_search
from kyphoplan.followup import fhir as followup_fhir
from kyphoplan.followup.instruments import registry
from kyphoplan.followup.models import CheckIn, CheckInStatus
from kyphoplan.liaison import fhir as liaison_fhir
from kyphoplan.liaison.models import Letter
from kyphoplan.web.net import client_ip

Resources = Callable[[Case], list[dict[str, Any]]]


def _caller(request: HttpRequest) -> Caller | HttpResponse:
    caller = from_header(request.headers.get("Authorization", ""), now=timezone.now())
    if caller is None:
        response = outcome(401, "login", "a valid integration token is required")
        response.headers["WWW-Authenticate"] = 'Bearer realm="kyphoplan"'
        return response
    if not caller.has(Scope.FHIR_READ):
        return outcome(403, "forbidden", f"the token lacks the {Scope.FHIR_READ.value} scope")
    return caller


def _checkin_resources(case: Case, build: Callable[[CheckIn], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [r for c in case.checkins.filter(status=CheckInStatus.ANSWERED).order_by("answered_at") for r in build(c)]


def _letters(case: Case, build: Callable[[Letter], dict[str, Any]]) -> list[dict[str, Any]]:
    return [build(letter) for letter in Letter.objects.filter(track__case=case).select_related("track__case")]


KINDS: dict[str, Resources] = {
    "QuestionnaireResponse": lambda case: _checkin_resources(case, followup_fhir.questionnaire_responses),
    "Observation": lambda case: _checkin_resources(case, followup_fhir.observations),
    "Communication": lambda case: _letters(case, liaison_fhir.communication),
    "DocumentReference": lambda case: _letters(case, liaison_fhir.document_reference),
}
FOLLOWUP_ID = re.compile(r"^followup-(\d+)-")
LETTER_ID = re.compile(r"^liaison-letter-(\d+)$")


def _case_of(kind: str, rid: str) -> uuid.UUID | None:
    if kind in ("QuestionnaireResponse", "Observation") and (m := FOLLOWUP_ID.match(rid)):
        return CheckIn.objects.filter(pk=int(m.group(1))).values_list("case_id", flat=True).first()
    if kind in ("Communication", "DocumentReference") and (m := LETTER_ID.match(rid)):
        return Letter.objects.filter(pk=int(m.group(1))).values_list("track__case_id", flat=True).first()
    return None


def _guard(request: HttpRequest, body: Callable[[Caller], HttpResponse]) -> HttpResponse:
    caller = _caller(request)
    if isinstance(caller, HttpResponse):
        return caller
    try:
        return body(caller)
    except PermissionDenied:
        return outcome(403, "forbidden", "the token's owner may not do this")


def _merged(request: HttpRequest, kind: str, case_id: uuid.UUID) -> HttpResponse:
    """The FHIR app's own resources of this kind, then the follow-up ones, as one list. Its
    handler checks the token's role and the search parameters and writes the one audit row for
    this read of the case. Where it pages (`_count`, `_offset`) and filters by status, the
    window and the filter apply to the whole list, so no page repeats our resources."""
    theirs = fhir_views.type_endpoint(request, kind)
    case = Case.objects.filter(pk=case_id).first()
    if theirs.status_code != 200 or case is None:
        return theirs
    data = json.loads(theirs.content)
    their_entries = data.get("entry") or []
    ours = KINDS[kind](case)
    # Every such search pages by _count/_offset (fhir.search_params), and filters by status where
    # the type has one: the window covers their total first, then ours.
    params = parse_search(kind, request.GET)
    ours = narrow(kind, ours, params)
    their_total = int(data.get("total", 0))
    start = max(0, params.offset - their_total)
    page = ours[start:start + max(0, params.count - len(their_entries))]
    total = their_total + len(ours)
    data["link"] = bundle(kind, [], total, request, params.offset, params.count)["link"]
    extra = bundle(kind, page, total, request)
    data["entry"] = [*their_entries, *(extra.get("entry") or [])]
    if not data["entry"]:
        del data["entry"]
    data["total"] = total
    return respond(data)


@csrf_exempt
def search(request: HttpRequest, kind: str) -> HttpResponse:
    if request.method != "GET":
        if kind == "QuestionnaireResponse":
            return fhir_views.type_endpoint(request, kind)  # creating one is the FHIR app's business
        return outcome(405, "not-supported", f"{kind}: only GET here")

    def body(caller: Caller) -> HttpResponse:
        raw = request.GET.get("patient", "").removeprefix("Patient/")
        if kind in fhir_views.SEARCH:
            try:
                # The FHIR app serves this kind too (intake answers, candidacy Observations and
                # the prior-authorization DocumentReference): it checks the parameters and the
                # role; its resources come first, then ours.
                return _merged(request, kind, uuid.UUID(raw))
            except ValueError:
                return fhir_views.type_endpoint(request, kind)
        unknown = set(request.GET) - {"patient", "_count", "_offset"}
        if unknown:
            return outcome(400, "not-supported", f"unsupported search parameters: {', '.join(sorted(unknown))}")
        if not raw:
            return outcome(400, "required", "search by patient=<case id>")
        try:
            count, offset = parse_paging(request.GET)
        except SearchError as e:
            return outcome(400, "invalid", str(e))
        try:
            case = access_case(caller.user, uuid.UUID(raw), ip=client_ip(request), what=f"fhir {kind}")
        except (ValueError, ObjectDoesNotExist):
            return respond(page_bundle(kind, [], request, count, offset))
        return respond(page_bundle(kind, KINDS[kind](case), request, count, offset))

    return _guard(request, body)


@require_GET
def read(request: HttpRequest, kind: str, rid: str) -> HttpResponse:
    case_id = _case_of(kind, rid)
    if case_id is None and kind in fhir_views.READ:
        return fhir_views.read(request, kind, rid)  # not ours: the FHIR app answers (or 404s)

    if case_id is None:  # a type only we serve (Communication), with an id we never made
        return _guard(request, lambda caller: outcome(404, "not-found", f"{kind}/{rid} is not known"))

    def body(caller: Caller) -> HttpResponse:
        case = access_case(caller.user, case_id, ip=client_ip(request), what=f"fhir {kind}")
        for resource in KINDS[kind](case):
            if resource["id"] == rid:
                return respond(resource)
        return outcome(404, "not-found", f"{kind}/{rid} is not known")

    return _guard(request, body)


@csrf_exempt
def questionnaires(request: HttpRequest) -> HttpResponse:
    """Search: the FHIR app's intake questionnaire, then every instrument (POST: the FHIR app refuses)."""
    theirs = fhir_views.type_endpoint(request, "Questionnaire")
    if request.method != "GET" or theirs.status_code != 200:
        return theirs
    count, offset = parse_paging(request.GET)  # the FHIR app's handler checked them
    their_total = int(json.loads(theirs.content).get("total", 0))
    # Theirs in full (the one intake questionnaire), then ours, paged as one list.
    everything = [intake_questionnaire()] if their_total else []
    everything += [followup_fhir.questionnaire(inst) for inst in registry().values()]
    return respond(page_bundle("Questionnaire", everything, request, count, offset))


@require_GET
def questionnaire(request: HttpRequest, rid: str) -> HttpResponse:
    inst = registry().get(rid)
    if inst is None:
        return fhir_views.read(request, "Questionnaire", rid)

    def body(caller: Caller) -> HttpResponse:
        return respond(followup_fhir.questionnaire(inst))

    return _guard(request, body)
