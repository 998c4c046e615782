"""FHIR views of a case's candidacy (issue 14), kept apart from the pathway resources.

- Condition/<case>-vcf: the osteoporotic vertebral fracture, ICD-10-CM with the encounter's 7th character;
- ServiceRequest/<case>-<level>: one per planned level, its CPT code (22513/22514 first, 22515 each further);
- Observation/<case>-<level>: the Genant grade of one measured level, height losses and shape as components;
- DocumentReference/<case>-prior-auth: the prior-authorization packet (the PDF, inline);
- Bundle/<case>-prior-auth: a collection of the facts behind the packet (no Claim).

Every read opens the case through `cases.access.access_case` (role check and audit row) first.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kyphoplan.api.tokens import Caller
from kyphoplan.candidacy.packet import packet_pdf
from kyphoplan.candidacy.summary import Summary, summarize
from kyphoplan.cases.access import access_case
from kyphoplan.clinical.coding import CPT_SYSTEM, ICD10_SYSTEM
from kyphoplan.clinical.grading import one_decimal
from kyphoplan.fhir.http import base_url, outcome, page_bundle, respond
from kyphoplan.fhir.resources import instant, patient
from kyphoplan.fhir.search_params import SearchError, parse_search
from kyphoplan.fhir.validate import emit
from kyphoplan.web.net import client_ip

CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CHECKLIST_SYSTEM = "https://kyphoplan.org/fhir/candidacy-checklist"
PAYER_SYSTEM = "https://kyphoplan.org/fhir/payer-criteria"


def _subject(s: Summary) -> dict[str, str]:
    return {"reference": f"Patient/{s.case.pk}"}


def condition(s: Summary) -> list[dict[str, Any]]:
    if s.diagnosis is None:
        return []
    levels = [lv.row.level for lv in s.levels if lv.planned] or list(s.case.levels_to_treat)
    return [{
        "resourceType": "Condition", "id": f"{s.case.pk}-vcf",
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": VERIFICATION, "code": "confirmed" if s.levels else "provisional"}]},
        "code": {"coding": [{"system": ICD10_SYSTEM, "code": s.diagnosis.code, "display": s.diagnosis.text}],
                 "text": s.diagnosis.text},
        "bodySite": [{"text": level} for level in levels],
        "subject": _subject(s),
    }]


def service_requests(s: Summary) -> list[dict[str, Any]]:
    reason = [{"reference": f"Condition/{s.case.pk}-vcf"}] if s.diagnosis else []
    out = []
    for c in s.cpt:
        # A level with no imaging recorded yet has no Observation: FHIR allows no empty list.
        seen = [{"reference": f"Observation/{s.case.pk}-{lv.row.level}"} for lv in s.levels if lv.row.level == c.level]
        out.append({
            "resourceType": "ServiceRequest", "id": f"{s.case.pk}-{c.level}", "status": "active", "intent": "order",
            "code": {"coding": [{"system": CPT_SYSTEM, "code": c.code, "display": c.text}],
                     "text": f"Balloon kyphoplasty, {c.level}"},
            "bodySite": [{"text": c.level}], "subject": _subject(s),
            **({"reasonReference": reason} if reason else {}),
            **({"supportingInfo": seen} if seen else {}),
        })
    return out


def observations(s: Summary) -> list[dict[str, Any]]:
    out = []
    for lv in s.levels:
        a = lv.assessment

        def loss(label: str, value: Any) -> dict[str, Any]:
            return {"code": {"text": f"{label} height loss"},
                    "valueQuantity": {"value": float(one_decimal(value)), "unit": "%",
                                      "system": "http://unitsofmeasure.org", "code": "%"}}

        out.append({
            "resourceType": "Observation", "id": f"{s.case.pk}-{lv.row.level}", "status": "final",
            "category": [{"coding": [{"system": OBS_CATEGORY, "code": "imaging"}]}],
            "code": {"text": "Genant semiquantitative vertebral fracture grade"},
            "subject": _subject(s), "bodySite": {"text": lv.row.level},
            "effectiveDateTime": instant(lv.row.recorded_at),
            "valueInteger": int(a.grade),
            "interpretation": [{"text": a.grade.label}],
            "component": [loss("Anterior", a.anterior_loss), loss("Middle", a.middle_loss),
                          loss("Posterior", a.posterior_loss),
                          {"code": {"text": "Morphology"}, "valueString": a.morphology.value},
                          {"code": {"text": "Vertebra plana"}, "valueBoolean": a.vertebra_plana},
                          {"code": {"text": "MRI bone-marrow oedema"}, "valueString": lv.row.oedema},
                          {"code": {"text": "Retropulsed fragment"}, "valueString": lv.row.retropulsion}],
        })
    return out


def _criteria_observation(s: Summary) -> list[dict[str, Any]]:
    payer = s.selected_payer
    if payer is None:
        return []
    return [{
        "resourceType": "Observation", "id": f"{s.case.pk}-payer-{payer.record.id}", "status": "final",
        "code": {"coding": [{"system": PAYER_SYSTEM, "code": payer.record.id}],
                 "text": f"{payer.record.payer} criteria, version {payer.record.version}: {payer.overall.value}"},
        "subject": _subject(s), "valueString": payer.overall.value,
        "component": [{"code": {"coding": [{"system": PAYER_SYSTEM, "code": r.criterion_id}], "text": r.text},
                       "valueString": f"{r.outcome.value}: {r.evidence}"} for r in payer.results],
    }, {
        "resourceType": "Observation", "id": f"{s.case.pk}-checklist", "status": "final",
        "code": {"text": "Kyphoplasty candidacy checklist (REFERENCE §12)"}, "subject": _subject(s),
        "valueString": "blocked" if s.review.blocking else "not blocked",
        "component": [{"code": {"coding": [{"system": CHECKLIST_SYSTEM, "code": ln.item.id}], "text": ln.item.text},
                       "valueString": ln.answer.value + (" (overridden)" if ln.overridden else "")}
                      for ln in s.review.lines],
    }]


def document_reference(s: Summary, pdf: bytes, now: datetime) -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference", "id": f"{s.case.pk}-prior-auth", "status": "current",
        "type": {"text": "Prior authorization request: letter of medical necessity"},
        "subject": _subject(s), "date": instant(now),
        "description": f"Prior-authorization packet for {s.case.reference}",
        "content": [{"attachment": {"contentType": "application/pdf", "language": "en",
                                    "data": base64.b64encode(pdf).decode("ascii"),
                                    "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),
                                    "size": len(pdf), "title": f"prior-auth-{s.case.reference}.pdf"}}],
        "context": {"related": [{"reference": f"Condition/{s.case.pk}-vcf"}]},
    }


def facts_bundle(s: Summary) -> dict[str, Any]:
    """The facts behind the packet, as a collection: no Claim (the practice's billing system makes that)."""
    case = s.case
    resources = [patient({"id": case.pk, "reference": case.reference, "name": case.patient_name,
                          "birth_date": case.birth_date, "sex": case.sex, "language": case.language}),
                 *condition(s), *service_requests(s), *observations(s), *_criteria_observation(s)]
    return {"resourceType": "Bundle", "id": f"{case.pk}-prior-auth", "type": "collection",
            "entry": [{"fullUrl": f"{base_url()}/{r['resourceType']}/{r['id']}", "resource": emit(r)}
                      for r in resources]}


def _open(caller: Caller, request: HttpRequest, case_id: uuid.UUID, kind: str) -> Summary:
    case = access_case(caller.user, case_id, ip=client_ip(request), what=f"fhir {kind}")
    return summarize(case, as_of=timezone.now())


def _documents(s: Summary, request: HttpRequest) -> list[dict[str, Any]]:
    now = timezone.now()
    return [document_reference(s, packet_pdf(s, now=now, base_url=request.build_absolute_uri("/")), now)]


Builder = Callable[[Summary, HttpRequest], list[dict[str, Any]]]
BUILDERS: dict[str, Builder] = {
    "Condition": lambda s, r: condition(s),
    "ServiceRequest": lambda s, r: service_requests(s),
    "Observation": lambda s, r: observations(s) + _criteria_observation(s),
    "DocumentReference": _documents,
}


def _case_id(rid: str) -> uuid.UUID:
    return uuid.UUID(rid[:36])


def read(kind: str) -> Callable[[Caller, HttpRequest, str], HttpResponse]:
    def handler(caller: Caller, request: HttpRequest, rid: str) -> HttpResponse:
        try:
            s = _open(caller, request, _case_id(rid), kind)
        except (ValueError, ObjectDoesNotExist):
            return outcome(404, "not-found", f"{kind}/{rid} is not known")
        if kind == "Bundle":
            found = facts_bundle(s) if rid == f"{s.case.pk}-prior-auth" else None
        else:
            found = next((r for r in BUILDERS[kind](s, request) if r["id"] == rid), None)
        return respond(found) if found else outcome(404, "not-found", f"{kind}/{rid} is not known")

    return handler


def search(kind: str) -> Callable[[Caller, HttpRequest], HttpResponse]:
    def handler(caller: Caller, request: HttpRequest) -> HttpResponse:
        try:
            wanted = parse_search(kind, request.GET)  # patient, and _count/_offset as everywhere
        except SearchError as e:
            return outcome(400, "not-supported", str(e))
        try:
            s = _open(caller, request, uuid.UUID(wanted.patient), kind)
        except (ValueError, ObjectDoesNotExist):
            return respond(page_bundle(kind, [], request, wanted.count, wanted.offset))
        found = BUILDERS[kind](s, request)
        return respond(page_bundle(kind, found, request, wanted.count, wanted.offset))

    return handler


READ = {kind: read(kind) for kind in [*BUILDERS, "Bundle"]}
SEARCH = {kind: search(kind) for kind in BUILDERS}
