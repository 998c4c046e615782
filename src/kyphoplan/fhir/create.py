"""POST /fhir/QuestionnaireResponse: an intake completed elsewhere (a kiosk, a portal, an EHR form).

The response must be for our intake Questionnaire and name the case as its subject
(`Patient/<case id>`). It is saved through the intake's own verb with the token's owner
as the acting user; `status: completed` also submits the intake (which runs the engine
when the case has a date). Only staff who work cases may do this.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kyphoplan.api.tokens import Caller
from kyphoplan.cases import roles
from kyphoplan.cases.access import access_case
from kyphoplan.fhir.http import base_url, outcome, respond
from kyphoplan.fhir.pathway import BUILDERS
from kyphoplan.fhir.questionnaire import ResponseError, answers_from_response
from kyphoplan.fhir.validate import FhirInvalid, emit
from kyphoplan.intake.models import Intake
from kyphoplan.intake.services import IntakeClosed
from kyphoplan.pathway.services import save_intake, submit_intake
from kyphoplan.web.jsonbody import BadJson, load_json
from kyphoplan.web.net import client_ip


def create_questionnaire_response(caller: Caller, request: HttpRequest) -> HttpResponse:
    ip = client_ip(request)
    try:
        body: Any = load_json(request.body)
        resource = emit(body) if isinstance(body, dict) else None
    except BadJson as exc:
        return outcome(400, "structure", str(exc))
    except FhirInvalid as exc:
        return outcome(400, "structure", str(exc))
    if resource is None or resource["resourceType"] != "QuestionnaireResponse":
        return outcome(400, "structure", "the body must be a QuestionnaireResponse")
    try:
        data = answers_from_response(resource)
    except ResponseError as exc:
        return outcome(422, "invalid", f"{exc.field}: {exc.message}")
    reference = str((resource.get("subject") or {}).get("reference", ""))
    roles.require(caller.user, roles.WORK_CASES, ip=ip, what="fhir QuestionnaireResponse create")
    try:
        case = access_case(caller.user, uuid.UUID(reference.removeprefix("Patient/")), ip=ip,
                           what="fhir QuestionnaireResponse create")
    except (ValueError, ObjectDoesNotExist):
        return outcome(422, "invalid", "subject: must reference a known Patient (a case)")
    now = timezone.now()
    try:
        save_intake(case, data, acting_user=caller.user, ip=ip, now=now)
        if resource["status"] == "completed":
            submit_intake(case, acting_user=caller.user, ip=ip, now=now)
        intake = Intake.objects.get(case=case)
    except IntakeClosed:
        return outcome(409, "conflict", "this intake was already submitted")
    created = next(r for r in BUILDERS["QuestionnaireResponse"](case) if r["id"] == str(intake.pk))
    response = respond(created, status=201)
    response.headers["Location"] = f"{base_url()}/QuestionnaireResponse/{intake.pk}"
    return response



