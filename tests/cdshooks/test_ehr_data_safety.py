"""Imperfect EHR data: failed or paged prefetch, the specification's own request examples,
date-only dates; suggestions and the SMART link on cards.

The specification's examples are in tests/cdshooks/spec_examples/ (origin in each file).
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kyphoplan.fhir.validate import emit
from tests.cdshooks.conftest import (
    APIXABAN,
    APPOINTMENT_BOOK,
    METFORMIN,
    ORDER_SIGN,
    in_days,
    kyphoplasty_order,
    order_sign_request,
    prefetch,
    searchset,
)
from tests.ehr_import.fake_fhir import bundle, serve_fhir

pytestmark = pytest.mark.django_db

SPEC = Path(__file__).parent / "spec_examples"
SERVICE_FOR = {"order-sign": ORDER_SIGN, "appointment-book": APPOINTMENT_BOOK}
FAILED = {"resourceType": "OperationOutcome",
          "issue": [{"severity": "error", "code": "exception", "diagnostics": "medication service timed out"}]}


def spec_example(name: str) -> tuple[str, dict[str, Any]]:
    fixture = json.loads((SPEC / name).read_text())
    assert fixture["origin"]["repository"] == "https://github.com/cds-hooks/docs"
    request = copy.deepcopy(fixture["request"])
    request.update({"hook": fixture["hook"], "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"})
    return fixture["hook"], request


def _summaries(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [card["summary"] for card in response.json()["cards"]]


@pytest.mark.parametrize("name", sorted(p.name for p in SPEC.glob("*.json")))
def test_it_answers_every_specification_example_with_no_cards_as_none_is_a_kyphoplasty(call: Any, name: str) -> None:
    hook, request = spec_example(name)
    response = call(SERVICE_FOR[hook], request)
    assert response.status_code == 200, response.content
    assert response.json() == {"cards": []}


def test_it_plans_for_a_kyphoplasty_booked_in_the_specifications_appointment_array(call: Any) -> None:
    _, request = spec_example("appointment-book-stu3-1.json")
    appointment = request["context"]["appointments"][0]
    appointment["serviceType"] = [{"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "22514"}],
                                   "text": "Balloon kyphoplasty, lumbar"}]
    appointment["start"] = in_days(20)
    request["prefetch"] = prefetch()
    summaries = _summaries(call(APPOINTMENT_BOOK, request))
    assert summaries[0].startswith("Kyphoplasty prep: hold apixaban")


def test_it_reads_a_date_only_order_date_as_that_day_not_a_placeholder(call: Any) -> None:
    _, request = spec_example("order-sign-r4.json")
    day = (date.today() + timedelta(days=21)).isoformat()
    request["context"]["draftOrders"]["entry"].append({"resource": kyphoplasty_order(day)})
    request["prefetch"] = prefetch()
    response = call(ORDER_SIGN, request)
    overview = response.json()["cards"][0]
    assert "The order gives a day without a time" in overview["detail"]
    assert "No procedure date yet" not in overview["detail"]
    from kyphoplan.cdshooks.models import Invocation

    invocation = Invocation.objects.get()
    assert not invocation.placeholder_start
    assert invocation.facts["procedure"]["start"].startswith(f"{day}T08:00:00")


@pytest.mark.parametrize("failed", [FAILED, {"resourceType": "Bundle", "type": "searchset",
                                             "entry": [{"resource": FAILED, "search": {"mode": "outcome"}}]}])
def test_it_warns_and_never_says_no_blood_thinner_when_the_ehr_medicine_query_failed(call: Any, failed: Any) -> None:
    body = order_sign_request(in_days(20))
    body["prefetch"]["medicationRequests"] = failed
    del body["fhirServer"]
    summaries = _summaries(call(ORDER_SIGN, body))
    assert "no blood thinner" not in " ".join(summaries).lower()
    assert summaries[0].startswith("Kyphoplasty prep: medicine list incomplete, check blood thinners by hand (")
    assert "Not read from the EHR: the medicine orders. Check it by hand before signing." in summaries
    card = next(c for c in call(ORDER_SIGN, body).json()["cards"] if c["summary"].startswith("Not read"))
    assert card["indicator"] == "critical" and "medication service timed out" in card["detail"]


def test_it_fetches_a_failed_prefetch_again_from_the_allowed_fhir_server(call: Any, ehr: Any) -> None:
    with serve_fhir() as fhir:
        ehr.fhir_servers.append(fhir.base_url)
        fhir.add("/fhir/MedicationRequest?patient=1288992&status=active,on-hold", bundle([APIXABAN]))
        body = order_sign_request(in_days(20), fhirServer=fhir.base_url,
                                  fhirAuthorization={"access_token": "tok-1", "token_type": "Bearer"})
        body["prefetch"]["medicationRequests"] = FAILED
        summaries = _summaries(call(ORDER_SIGN, body))
    assert summaries[0].startswith("Kyphoplasty prep: hold apixaban (")
    assert fhir.seen == [("/fhir/MedicationRequest?patient=1288992&status=active,on-hold", "Bearer tok-1")]


def test_it_follows_a_paged_prefetch_on_the_allowed_server(call: Any, ehr: Any) -> None:
    with serve_fhir() as fhir:
        ehr.fhir_servers.append(fhir.base_url)
        fhir.add("/fhir/MedicationRequest?page=2", bundle([APIXABAN]))
        body = order_sign_request(in_days(20), fhirServer=fhir.base_url,
                                  fhirAuthorization={"access_token": "tok-1", "token_type": "Bearer"})
        body["prefetch"]["medicationRequests"] = bundle([METFORMIN], next_url=f"{fhir.base_url}/MedicationRequest?page=2")
        summaries = _summaries(call(ORDER_SIGN, body))
    assert summaries[0].startswith("Kyphoplasty prep: hold apixaban")


def test_it_says_a_paged_prefetch_is_incomplete_when_it_cannot_follow_it(call: Any) -> None:
    body = order_sign_request(in_days(20))  # fhirServer not allow-listed, no authorization
    body["prefetch"]["medicationRequests"] = bundle([METFORMIN], next_url="https://ehr.example.org/fhir/x?page=2")
    response = call(ORDER_SIGN, body)
    cards = response.json()["cards"]
    assert cards[0]["summary"].startswith("Kyphoplasty prep: hold metformin; medicine list incomplete, check blood")
    assert any("only the first page" in c["detail"] for c in cards)


def test_it_suggests_ordering_the_missing_platelet_count_and_links_the_plan_by_smart(call: Any) -> None:
    body = order_sign_request(in_days(20))
    body["prefetch"]["labs"] = searchset()
    cards = call(ORDER_SIGN, body).json()["cards"]
    platelet = next(c for c in cards if c["source"].get("topic", {}).get("code") == "platelet-check")
    [suggestion] = platelet["suggestions"]
    assert suggestion["label"] == "Order platelet count"
    [action] = suggestion["actions"]
    order = action["resource"]
    assert action["type"] == "create" and order["code"]["coding"][0]["code"] == "777-3"
    assert order["subject"] == {"reference": "Patient/1288992"} and emit(order) == order
    for card in cards:
        smart = [link for link in card["links"] if link["type"] == "smart"]
        assert smart and smart[0]["url"] == "http://testserver/smart/launch"
        assert json.loads(smart[0]["appContext"])["invocation"]


def test_it_reads_the_ehrs_verified_rxnorm_code_before_the_text_and_records_both(call: Any) -> None:
    coded = {"resourceType": "MedicationRequest", "id": "mr-9", "status": "active", "intent": "order",
             "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                       "code": "11289", "display": "warfarin"}],
                                           "text": "home med #3 (see pharmacy list)"},
             "subject": {"reference": "Patient/1288992"}, "dosageInstruction": [{"text": "5 mg daily"}]}
    body = order_sign_request(in_days(20))
    body["prefetch"]["medicationRequests"] = searchset(coded)
    summaries = _summaries(call(ORDER_SIGN, body))
    assert summaries[0].startswith("Kyphoplasty prep: hold warfarin")
    from kyphoplan.cdshooks.models import Invocation

    assert Invocation.objects.get().facts["medications"] == [
        {"text": "home med #3 (see pharmacy list) 5 mg daily",
         "codes": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "11289", "display": "warfarin"}]}]
