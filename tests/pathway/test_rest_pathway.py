"""The override scenario of issue 8, driven from outside over REST (plan-contract.md, "The
pathway over REST"): Nora the nurse replaces "stop aspirin" with "keep taking your aspirin"
(coronary stent), removes the related lines and signs; every patient channel carries it,
before and after a re-plan and a second signature."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

import icalendar
import pytest
from pypdf import PdfReader

from kyphoplan.pathway.services import book
from tests.pathway.fixtures import LA

KEEP_EN = "Keep taking your aspirin every day, also before the procedure."
KEEP_ES = "Siga tomando su aspirina todos los días, también antes del procedimiento."
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=LA)
START = datetime(2026, 12, 14, 8, 0, tzinfo=LA)
SCOPES = ("cases:write", "intake:write", "plans:read", "plans:write", "plans:sign", "fhir:read")


@pytest.fixture
def api(client: Any, nora: Any, clock: Any) -> Callable[..., Any]:
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    clock.move_to(NOW)
    _, token = issue(nora, "interface engine", [Scope(s) for s in SCOPES], now=NOW)

    def call(method: str, path: str, body: Any = None) -> Any:
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(path if path.startswith("/fhir") else f"/api/v1{path}", **kwargs)

    return call


def _open_case(api: Callable[..., Any], language: str) -> str:
    made = api("post", "/cases", {
        "patient": {"name": "Dolores Ruiz", "birth_date": "1948-03-02", "sex": "female", "language": language,
                    "phone": "(415) 555-0132", "email": "dolores@example.org"},
        "procedure": {"levels": ["T12", "L1"], "sedation": "moderate", "start": START.isoformat()},
    })
    assert made.status_code == 201, made.content
    return str(made.json()["id"])


def _high_flags(plan: dict[str, Any]) -> list[dict[str, str]]:
    return [{"code": f["code"], "drug": f["drug"]} for f in plan["open_high_flags"]]


def _patient_channels(case_id: str, patient: dict[str, Any]) -> dict[str, str]:
    """Every channel the patient reads, as text: page steps, medicine list, reminders, .ics, PDF."""
    from kyphoplan.cases.models import Case
    from kyphoplan.patient.documents import patient_plan, pdf_bytes

    pdf = PdfReader(BytesIO(pdf_bytes(patient_plan(Case.objects.get(pk=case_id)), base_url="http://testserver/")))
    calendar = icalendar.Calendar.from_ical(patient["calendar"])
    events = [f"{e.get('summary')}: {e.get('description')}" for e in calendar.walk("VEVENT")]
    return {
        "steps": "\n".join(s["text"] for s in patient["steps"]),
        "medicines": "\n".join(f"{m['input']}: {m['instruction']}" for m in patient["medicines"]),
        "reminders": "\n".join(f"{r['subject']} {r['text']}" for r in patient["reminders"]),
        "calendar": "\n".join(events),
        "pdf": " ".join(" ".join(page.extract_text().split()) for page in pdf.pages),
    }


@pytest.mark.parametrize(("language", "keep", "stop_words"), [
    ("en", KEEP_EN, ("Last day of aspirin", "last day to take aspirin", "Restart aspirin")),
    ("es", KEEP_ES, ("Último día de aspirin", "último día para tomar aspirin", "Reanude")),
])
def test_it_carries_a_clinicians_override_to_every_channel_across_a_replan(
    api: Callable[..., Any], nora: Any, sam: Any, rooms: dict[str, Any], clock: Any,
    language: str, keep: str, stop_words: tuple[str, ...],
) -> None:
    case_id = _open_case(api, language)
    assert api("get", f"/cases/{case_id}/patient-plan").status_code == 404  # nothing signed yet
    intake = api("put", f"/cases/{case_id}/intake", {
        "medications": ["aspirin 325 mg daily", "Eliquis 5 mg twice a day"], "allergies": [],
        "diabetes": "none", "weight_kg": 60, "smoker": False})
    assert intake.status_code == 200 and intake.json()["version"] == 1, intake.content
    from kyphoplan.cases.models import Case

    book(sam, Case.objects.get(pk=case_id), room=rooms["room1"], start=START, ip=None, now=NOW)
    plan = api("get", f"/cases/{case_id}/plan").json()
    codes = {(a["code"], a.get("drug")) for a in plan["plan"]["actions"]}
    assert ("stop-medication", "aspirin") in codes and ("resume-medication", "aspirin") in codes

    replaced = api("post", f"/cases/{case_id}/plan/overrides", {
        "target": {"code": "stop-medication", "drug": "aspirin"}, "kind": "replace",
        "text": {language: keep}, "reason": "coronary stent: cardiology says never stop aspirin"})
    assert replaced.status_code == 201, replaced.content
    for code in ("resume-medication", "consult-prescriber"):
        removed = api("post", f"/cases/{case_id}/plan/overrides", {
            "target": {"code": code, "drug": "aspirin"}, "kind": "remove", "reason": "aspirin is not stopped"})
        assert removed.status_code == 201, removed.content
    wrong = api("post", f"/cases/{case_id}/plan/overrides", {
        "target": {"code": "stop-medication", "drug": "warfarin"}, "kind": "remove", "reason": "x"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "target"

    plan = api("get", f"/cases/{case_id}/plan").json()
    flags = _high_flags(plan)
    assert flags, "this plan has high flags to acknowledge"
    refused = api("post", f"/cases/{case_id}/plan/sign", {"version": 1, "acknowledged_flags": flags[1:]})
    assert refused.status_code == 409 and flags[0]["code"] in refused.json()["error"]["message"]
    signed = api("post", f"/cases/{case_id}/plan/sign", {"version": 1, "acknowledged_flags": flags})
    assert signed.status_code == 200 and signed.json()["reminders"] > 0, signed.content

    def check(version: int) -> None:
        patient = api("get", f"/cases/{case_id}/patient-plan").json()
        assert patient["version"] == version and patient["language"] == language
        channels = _patient_channels(case_id, patient)
        for name in ("steps", "medicines", "reminders", "calendar", "pdf"):
            assert keep in channels[name], f"{name} lacks the override:\n{channels[name]}"
            for words in stop_words:
                assert words not in channels[name], f"{name} still says {words!r}:\n{channels[name]}"
        bundle = api("get", f"/fhir/CarePlan?patient={case_id}").json()
        active = [e["resource"] for e in bundle["entry"] if e["resource"]["status"] == "active"]
        assert len(active) == 1 and active[0]["title"].endswith(f"version {version}")
        details = [a["detail"] for a in active[0]["activity"]]
        assert any(keep in d.get("description", "") for d in details), details
        assert not any(d.get("doNotPerform") and "aspirin" in json.dumps(d) for d in details)
        aspirin = next(m for m in patient["medicines"] if m["drug"] == "aspirin")
        assert aspirin["instruction"] == keep
        # The other blood thinner's hold is untouched, in every channel that dates it.
        assert "apixaban" in channels["calendar"] or "apixabán" in channels["calendar"]
        assert any(r["code"] == "last-dose" and r["drug"] == "apixaban" for r in patient["reminders"])

    check(1)

    # Labs make version 2: the override is carried (with its author and reason), the diff says
    # so, the patient sees no medicine changes until it is signed, then the same override.
    clock.move_to(NOW + timedelta(hours=2))
    labs = api("put", f"/cases/{case_id}/labs", {"creatinine_clearance": 55})
    assert labs.status_code == 200 and labs.json() == {"version": 2, "signed": False, "not_ready": ""}
    plan2 = api("get", f"/cases/{case_id}/plan").json()
    carried = [o for o in plan2["overrides"] if o["carried_from"]]
    assert len(carried) == 3 and all(o["applies"] and o["by"] == "nora" for o in carried)
    assert {o["reason"] for o in carried} >= {"coronary stent: cardiology says never stop aspirin"}
    waiting = api("get", f"/cases/{case_id}/patient-plan").json()
    assert waiting["version"] is None and waiting["updating"] and waiting["medicines"] == []
    assert waiting["reminders"] == []
    signed = api("post", f"/cases/{case_id}/plan/sign", {"version": 2, "acknowledged_flags": _high_flags(plan2)})
    assert signed.status_code == 200, signed.content
    check(2)

    # A signed plan can be amended with a reason: version 3 carries everything again.
    amended = api("post", f"/cases/{case_id}/plan/amend", {"reason": "cardiology letter arrived"})
    assert amended.status_code == 201 and amended.json()["version"] == 3
    assert len([o for o in api("get", f"/cases/{case_id}/plan").json()["overrides"] if o["applies"]]) == 3


def test_it_lists_an_override_whose_line_is_gone_for_the_clinician(
    api: Callable[..., Any], sam: Any, rooms: dict[str, Any],
) -> None:
    case_id = _open_case(api, "en")
    api("put", f"/cases/{case_id}/intake", {"medications": ["aspirin 325 mg daily", "Eliquis 5 mg twice a day"]})
    api("post", f"/cases/{case_id}/plan/overrides", {
        "target": {"code": "stop-medication", "drug": "apixaban"}, "kind": "replace",
        "text": {"en": "Take your last Eliquis on Thursday morning."}, "reason": "evening dose skipped"})
    # The patient stops apixaban altogether: the line is gone from version 2.
    api("put", f"/cases/{case_id}/intake", {"medications": ["aspirin 325 mg daily"]})
    plan = api("get", f"/cases/{case_id}/plan").json()
    assert plan["version"] == 2
    lost = [o for o in plan["overrides"] if not o["applies"]]
    assert [o["target"]["drug"] for o in lost] == ["apixaban"] and lost[0]["carried_from"]
    assert {"code": "override-not-carried", "drug": "stop-medication apixaban"} in _high_flags(plan)


def test_it_refuses_what_the_tokens_owner_may_not_do(client: Any, sam: Any, db: Any, clock: Any) -> None:
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    clock.move_to(NOW)
    _, token = issue(sam, "scheduler's script", [Scope(s) for s in SCOPES], now=NOW)
    made = client.post("/api/v1/cases", data=json.dumps({"patient": {"name": "X"}}), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")
    assert made.status_code == 201
    case_id = made.json()["id"]
    # A scheduler may open cases but never sign a plan, whatever scopes the token carries.
    signed = client.post(f"/api/v1/cases/{case_id}/plan/sign", data=json.dumps({"version": 1}),
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert signed.status_code in (403, 404)
    bad = client.post("/api/v1/cases", data=json.dumps({"patient": {"name": "Y", "phone": "12"}}),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "patient.phone"


def test_it_leaves_premedication_for_a_radiologist_to_sign(api: Callable[..., Any], client: Any, rita: Any) -> None:
    """A contrast reaction gives Dolores premedication (prednisone), a prescription: Nora's token
    is refused with 403 and the refusal is audited; Rita signs the same version."""
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue
    from kyphoplan.audit.models import Action, AuditEvent

    case_id = _open_case(api, "es")
    put = api("put", f"/cases/{case_id}/intake", {"medications": ["lisinopril 10 mg"],
                                                  "allergies": ["contraste: ronchas en 2019"]})
    assert put.status_code == 200, put.content
    plan = api("get", f"/cases/{case_id}/plan").json()
    assert any(a["code"] == "take-premedication" for a in plan["plan"]["actions"]), plan["plan"]["actions"]
    sign = {"version": plan["version"], "acknowledged_flags": [{**f, "note": "read"} for f in _high_flags(plan)]}

    refused = api("post", f"/cases/{case_id}/plan/sign", sign)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "needs-radiologist"
    assert AuditEvent.objects.filter(action=Action.DENIED, detail__needs="radiologist").count() == 1

    _, token = issue(rita, "radiologist's console", [Scope("plans:sign")], now=NOW)
    signed = client.post(f"/api/v1/cases/{case_id}/plan/sign", data=json.dumps(sign),
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert signed.status_code == 200, signed.content
