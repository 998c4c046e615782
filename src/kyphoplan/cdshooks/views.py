"""HTTP endpoints of the CDS Hooks service. Thin: auth, parse, delegate, answer JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kyphoplan.cdshooks import recording
from kyphoplan.cdshooks.access import access_invocation
from kyphoplan.cdshooks.auth import CdsAuthError, Client, authenticate
from kyphoplan.cdshooks.cards import plan_cards
from kyphoplan.cdshooks.config import service_base_url
from kyphoplan.cdshooks.engine import run_engine
from kyphoplan.cdshooks.models import Invocation
from kyphoplan.cdshooks.prefetch import (
    DATA_NAMES,
    BadRequest,
    MissingPrefetch,
    draft_facts,
    gather,
    procedure_resources,
)
from kyphoplan.cdshooks.services import SERVICES
from kyphoplan.cdshooks.suggestions import lab_suggester
from kyphoplan.clinical.facts import FactsError
from kyphoplan.staff.decorators import StaffRequest, staff_required
from kyphoplan.web.jsonbody import BadJson, load_json
from kyphoplan.web.net import client_ip
from kyphoplan.web.practice import get_practice

log = logging.getLogger(__name__)

# CDS Hooks clients may call from a browser (SMART apps, sandboxes), so the
# service answers CORS. Requests carry a bearer JWT, never cookies, so any
# origin may call: the signature, not the origin, is what is trusted.
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Max-Age": "600",
}


def cors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a preflight (OPTIONS) with 204, and add the CORS headers to every answer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(status=204) if request.method == "OPTIONS" else view(request, *args, **kwargs)
        for name, value in _CORS.items():
            response.headers[name] = value
        return response

    return wrapped


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": status, "message": message}}, status=status)


def smart_link(invocation_id: object) -> dict[str, Any]:
    """A `smart` link: the EHR launches kyphoplan (SMART App Launch) with this plan as appContext,
    so the clinician lands on it signed in, without a second kyphoplan login."""
    return {"label": "Open the plan in kyphoplan", "url": f"{settings.BASE_URL.rstrip('/')}/smart/launch",
            "type": "smart", "appContext": json.dumps({"invocation": str(invocation_id)})}


def _client(request: HttpRequest, audience: str) -> Client:
    return authenticate(request.headers.get("Authorization", ""), audience=audience, now=timezone.now())


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = load_json(request.body)
    except BadJson as exc:
        raise BadRequest(str(exc)) from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


@cors
@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    # No patient data here, so no token needed: an EHR administrator can read it while configuring.
    return JsonResponse({"services": [s.discovery() for s in SERVICES.values()]})


@csrf_exempt
@cors
@require_POST
def call_service(request: HttpRequest, service_id: str) -> JsonResponse:
    service = SERVICES.get(service_id)
    if service is None:
        return _error(404, "no such CDS service")
    try:
        client = _client(request, f"{service_base_url()}/{service_id}")
    except CdsAuthError as exc:
        log.warning("CDS Hooks request refused: %s", exc.reason)
        return _error(401, "the request is not signed by a trusted CDS client")
    now = timezone.now()
    try:
        body = _body(request)
        if body.get("hook") != service.hook:
            raise BadRequest(f"this service answers the {service.hook} hook")
        context = body.get("context")
        if not isinstance(context, dict):
            raise BadRequest("context is required")
        procedures = procedure_resources(service.hook, context)
        if not procedures:
            return JsonResponse({"cards": []})  # not a kyphoplasty: nothing to say
        gathered = gather(body, client.issuer)
        draft = draft_facts(procedures[0], gathered.data, now=now, zone=get_practice().hours.zone)
        notes = [*draft.notes, *gathered.notes]
        plan, facts = run_engine(draft.facts, notes)  # adds a note for each EHR value it leaves out
    except BadRequest as exc:
        return _error(400, str(exc))
    except MissingPrefetch as exc:
        return _error(412, f"prefetch data needed and not fetchable: {exc}")
    except FactsError as exc:
        return _error(400, f"{exc.field}: {exc.message}")
    invocation = recording.save_invocation(
        client, service_id=service_id, hook_instance=str(body.get("hookInstance", "")), facts=facts,
        placeholder=draft.placeholder_start, ip=client_ip(request), now=now,
    )
    preview = settings.BASE_URL.rstrip("/") + reverse("cdshooks:preview", args=[invocation.pk])
    cards = plan_cards(
        plan, notes, preview, incomplete=gathered.incomplete, data_names=DATA_NAMES,
        extra_links=[smart_link(invocation.pk)],
        suggest=lab_suggester(plan, facts.get("labs", {}), str(body["context"]["patientId"])),
    )
    recording.save_cards(invocation, cards)
    return JsonResponse({"cards": cards})


@csrf_exempt
@cors
@require_POST
def feedback(request: HttpRequest, service_id: str) -> JsonResponse:
    if service_id not in SERVICES:
        return _error(404, "no such CDS service")
    try:
        client = _client(request, f"{service_base_url()}/{service_id}/feedback")
    except CdsAuthError as exc:
        log.warning("CDS Hooks feedback refused: %s", exc.reason)
        return _error(401, "the request is not signed by a trusted CDS client")
    try:
        recording.save_feedback(client, service_id, _body(request), ip=client_ip(request), now=timezone.now())
    except (BadRequest, recording.BadFeedback) as exc:
        return _error(400, str(exc))
    return JsonResponse({})


@require_GET
@staff_required()
def preview(request: StaffRequest, invocation_id: UUID) -> HttpResponse:
    try:
        invocation = access_invocation(request.user, invocation_id, ip=client_ip(request))
    except (Invocation.DoesNotExist, ValueError):
        raise Http404 from None
    from kyphoplan.clinical.facts import parse_facts
    from kyphoplan.clinical.plan import build_plan
    from kyphoplan.clinical.render import render_plan

    plan = build_plan(parse_facts(invocation.facts))
    return render(request, "cdshooks/preview.html", {"invocation": invocation, "timeline": render_plan(plan)})
