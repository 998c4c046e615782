"""Whole hook calls, from the specification's request shapes to cards, through the engine."""

from __future__ import annotations

from typing import Any

import pytest

from kyphoplan.audit.models import AuditEvent
from kyphoplan.cdshooks.models import Feedback, Invocation, IssuedCard
from tests.cdshooks.conftest import (
    APPOINTMENT_BOOK,
    ORDER_SIGN,
    appointment_book_request,
    in_days,
    order_sign_request,
)

pytestmark = pytest.mark.django_db


def test_it_gives_cards_for_a_kyphoplasty_order_for_a_patient_on_apixaban_and_metformin(call: Any) -> None:
    response = call(ORDER_SIGN, order_sign_request(in_days(20)))
    assert response.status_code == 200, response.content
    cards = response.json()["cards"]
    assert cards[0]["summary"].startswith("Kyphoplasty prep: hold apixaban")
    assert any(c["indicator"] == "critical" and "apixaban" in c["summary"] for c in cards)
    assert any("metformin" in (c["summary"] + c["detail"]) for c in cards)
    for card in cards:
        assert len(card["summary"]) < 140
        assert card["indicator"] in {"info", "warning", "critical"}
        assert card["source"]["label"].startswith("kyphoplan")
        assert card["links"][0]["url"].startswith("http://testserver/cds-services/previews/")
    invocation = Invocation.objects.get()
    assert invocation.facts["medications"] == [
        "apixaban 5 MG Oral Tablet [Eliquis] 1 tablet by mouth twice daily",
        "metformin hydrochloride 1000 MG Oral Tablet 1 tablet twice daily with meals",
    ]
    assert invocation.facts["allergies"] == ["penicillin - hives"]
    assert invocation.facts["labs"] == {"egfr": 62.0}
    assert invocation.facts["patient"]["sex"] == "female"
    assert not invocation.placeholder_start
    assert IssuedCard.objects.count() == len(cards)
    audit = AuditEvent.objects.get(object_type="cdsinvocation")
    assert audit.actor_username == "cds:ehr-client"
    assert "apixaban" not in str(audit.detail)  # counts only, never patient values


def test_it_plans_for_a_flagged_placeholder_date_when_the_order_has_none(call: Any) -> None:
    cards = call(ORDER_SIGN, order_sign_request(None)).json()["cards"]
    assert "No procedure date yet" in cards[0]["detail"]
    assert Invocation.objects.get().placeholder_start


def test_it_answers_appointment_book_with_the_appointment_date(call: Any) -> None:
    start = in_days(10, hour=9)
    response = call(APPOINTMENT_BOOK, appointment_book_request(start))
    assert response.status_code == 200, response.content
    assert response.json()["cards"][0]["summary"].startswith("Kyphoplasty prep")
    assert Invocation.objects.get().facts["procedure"]["start"] == start


def test_it_leaves_out_an_impossible_lab_value_and_says_so(call: Any) -> None:
    body = order_sign_request(in_days(20))
    body["prefetch"]["labs"]["entry"][0]["resource"]["valueQuantity"]["value"] = 900
    cards = call(ORDER_SIGN, body).json()["cards"]
    assert "labs.egfr left out" in cards[0]["detail"]


def test_it_shows_the_plan_preview_to_signed_in_staff_only(call: Any, client: Any, sam: Any, verified: Any) -> None:
    cards = call(ORDER_SIGN, order_sign_request(in_days(20))).json()["cards"]
    url = cards[0]["links"][0]["url"].removeprefix("http://testserver")
    assert client.get(url).status_code == 302  # to the sign-in page
    page = verified(sam).get(url)
    assert page.status_code == 200
    assert "apixaban" in page.content.decode()
    assert AuditEvent.objects.filter(object_type="cdsinvocation", action="view", actor_username="sam").exists()


def test_it_stores_feedback_on_its_cards(call: Any) -> None:
    cards = call(ORDER_SIGN, order_sign_request(in_days(20))).json()["cards"]
    feedback = {"feedback": [
        {"card": cards[1]["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-25T12:00:00Z",
         "overrideReason": {"reason": {"code": "reason-code-provided-by-service",
                                       "system": "http://example.org/cds-services/fhir/CodeSystem/override-reasons"},
                            "userComment": "Cardiology already consulted"}},
        {"card": cards[0]["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-11-25T12:00:05Z"},
    ]}
    response = call(ORDER_SIGN, feedback, path="/feedback")
    assert response.status_code == 200, response.content
    overridden = Feedback.objects.get(outcome="overridden")
    assert overridden.card is not None and str(overridden.card.pk) == cards[1]["uuid"]
    assert overridden.override_reason["userComment"] == "Cardiology already consulted"
    assert AuditEvent.objects.filter(object_type="cdsfeedback").count() == 1
