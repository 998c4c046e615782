"""/fhir/: metadata is public; every read of patient data needs a token and is audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from kyphoplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _get(client: Any, url: str, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, **headers)


def _round_trips(body: dict[str, Any]) -> None:
    model = get_fhir_model_class(body["resourceType"]).model_validate_json(json.dumps(body))
    assert model.model_dump(mode="json") == body


def test_it_describes_itself_without_a_token(client: Any) -> None:
    response = client.get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    _round_trips(body)
    served = {r["type"]: [i["code"] for i in r["interaction"]] for r in body["rest"][0]["resource"]}
    assert served["Task"] == ["read", "search-type"]
    assert body["fhirVersion"] == "4.0.1"


def test_it_reads_a_callback_request_as_a_task_and_audits_it(client: Any, maria_request: Any, sam: Any,
                                                               token_for: Any) -> None:
    token = token_for(sam, "fhir:read")
    response = _get(client, f"/fhir/Task/{maria_request.pk}", token)
    assert response.status_code == 200, response.content
    task = response.json()
    _round_trips(task)
    assert (task["status"], task["intent"]) == ("requested", "order")
    assert task["identifier"][0]["value"] == maria_request.reference
    assert task["for"]["display"] == "Maria Testpatient"
    row = AuditEvent.objects.get(action="view", object_id=str(maria_request.pk))
    assert row.actor_username == "sam" and row.detail["via"] == "fhir"


def test_it_searches_tasks_by_status_with_paging(client: Any, maria_request: Any, sam: Any, token_for: Any) -> None:
    token = token_for(sam, "fhir:read")
    page = _get(client, "/fhir/Task?status=requested&_count=1", token).json()
    _round_trips(page)
    assert [e["resource"]["id"] for e in page["entry"]] == [str(maria_request.pk)]
    assert "total" not in page and [link["relation"] for link in page["link"]] == ["self"]
    assert "entry" not in _get(client, "/fhir/Task?status=completed", token).json()
    assert _get(client, "/fhir/Task?name=Maria", token).status_code == 400
    assert _get(client, "/fhir/Task?_offset=50", token).status_code == 400
    assert _get(client, "/fhir/Task?_cursor=nonsense", token).status_code == 400
    assert AuditEvent.objects.filter(action="search", actor_username="sam").count() == 2


def test_it_follows_next_links_through_every_task_once(client: Any, sam: Any, token_for: Any) -> None:
    from kyphoplan.callbacks.services import NewRequest, submit_request
    from kyphoplan.web.practice import get_practice

    made = [submit_request(NewRequest(f"Person {i}", "+14155550100", "", "en", "other", [], [], True, False),
                           form_token=f"fhir-paging-{i:010d}", ip=None, now=timezone.now(),
                           practice=get_practice())[0] for i in range(5)]
    token = token_for(sam, "fhir:read")
    url, seen = "/fhir/Task?_count=2", []
    while url:
        page = _get(client, url, token).json()
        seen += [e["resource"]["identifier"][0]["value"] for e in page.get("entry", [])]
        following = [link["url"] for link in page["link"] if link["relation"] == "next"]
        url = following[0][following[0].index("/fhir/"):] if following else ""
    # Oldest first; the reference breaks a tie, so the order is total.
    assert seen == [r.reference for r in sorted(made, key=lambda r: (r.created_at, r.reference))]


def test_it_refuses_without_a_good_token_or_scope_or_permission(client: Any, maria_request: Any, sam: Any,
                                                                 make_staff: Any, token_for: Any) -> None:
    url = f"/fhir/Task/{maria_request.pk}"
    assert _get(client, url).status_code == 401
    assert _get(client, url, "kp_nope_nope").status_code == 401
    assert _get(client, url, token_for(sam, "plans:preview")).status_code == 403
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user(username="outsider")
    assert _get(client, url, token_for(outsider, "fhir:read")).status_code == 403
    assert AuditEvent.objects.filter(action="denied", actor_username="outsider").exists()
    assert not AuditEvent.objects.filter(action="view").exists()


def test_it_answers_unknown_ids_and_types_with_an_operation_outcome(client: Any, sam: Any, token_for: Any) -> None:
    token = token_for(sam, "fhir:read")
    for url in ("/fhir/Task/not-a-uuid", "/fhir/Task/00000000-0000-4000-8000-000000000000", "/fhir/Basic/1"):
        response = _get(client, url, token)
        assert response.status_code == 404
        assert response.json()["resourceType"] == "OperationOutcome"


def test_it_serves_the_intake_questionnaire(client: Any, sam: Any, token_for: Any) -> None:
    body = _get(client, "/fhir/Questionnaire/kyphoplasty-intake", token_for(sam, "fhir:read")).json()
    _round_trips(body)
    assert body["status"] == "active"
