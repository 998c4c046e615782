"""Nora records Maria's labs with the date they were drawn; the engine gets the values only."""

from __future__ import annotations

from typing import Any

import pytest

from kyphoplan.plans.services import facts_for

pytestmark = pytest.mark.django_db


def test_it_keeps_the_date_drawn_with_the_labs(maria_case: Any, nora: Any, verified: Any, client: Any) -> None:
    verified(nora)
    client.post(f"/staff/cases/{maria_case.pk}/labs/", {"egfr": "42", "inr": "1.1", "drawn_on": "2026-11-20"})
    maria_case.refresh_from_db()
    assert maria_case.labs == {"egfr": 42.0, "inr": 1.1, "drawn_on": "2026-11-20"}
    assert "Labs (drawn 2026-11-20)" in client.get(f"/staff/cases/{maria_case.pk}/").content.decode()


def test_it_asks_for_the_date_and_refuses_one_in_the_future(maria_case: Any, nora: Any, verified: Any,
                                                           client: Any) -> None:
    verified(nora)
    answer = client.post(f"/staff/cases/{maria_case.pk}/labs/", {"egfr": "42"}, follow=True).content.decode()
    assert "Give the date the blood was drawn" in answer
    answer = client.post(f"/staff/cases/{maria_case.pk}/labs/", {"egfr": "42", "drawn_on": "2030-01-01"},
                         follow=True).content.decode()
    assert "cannot be in the future" in answer
    maria_case.refresh_from_db()
    assert maria_case.labs == {}


def test_it_gives_the_engine_values_only(maria_submitted: Any) -> None:
    from tests.pathway.fixtures import NOW

    maria_submitted.labs = {"egfr": 42.0, "drawn_on": "2026-11-20"}
    maria_submitted.save()
    assert facts_for(maria_submitted, now=NOW)["labs"] == {"egfr": 42.0}
