"""The risk check: education, not diagnosis. OST cut-offs as cited on the page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from kyphoplan.public.risk import OstBand, Sex, ost_band, ost_score, to_kg


@pytest.mark.parametrize(
    ("age", "kg", "score"),
    [
        (75, Decimal(55), -4),
        (70, Decimal(50), -4),
        (60, Decimal(70), 2),
        (80, Decimal(50), -6),
        (65, Decimal("62.5"), 0),
        (50, Decimal(100), 10),
    ],
)
def test_it_computes_ost(age: int, kg: Decimal, score: int) -> None:
    assert ost_score(age, kg) == score


@pytest.mark.parametrize(
    ("score", "sex", "band"),
    [
        (-5, Sex.WOMAN, OstBand.HIGH),
        (-4, Sex.WOMAN, OstBand.ASK_ABOUT_TEST),
        (1, Sex.WOMAN, OstBand.ASK_ABOUT_TEST),
        (2, Sex.WOMAN, OstBand.LOWER),
        (3, Sex.MAN, OstBand.ASK_ABOUT_TEST),
        (4, Sex.MAN, OstBand.LOWER),
        (-9, Sex.MAN, OstBand.ASK_ABOUT_TEST),
    ],
)
def test_it_uses_the_cited_cut_offs(score: int, sex: Sex, band: OstBand) -> None:
    assert ost_band(score, sex) == band


@given(st.integers(18, 120), st.decimals(20, 300, places=1), st.sampled_from(list(Sex)))
def test_it_never_rates_an_older_lighter_person_lower(age: int, kg: Decimal, sex: Sex) -> None:
    rank = {OstBand.HIGH: 2, OstBand.ASK_ABOUT_TEST: 1, OstBand.LOWER: 0}
    here = rank[ost_band(ost_score(age, kg), sex)]
    older = rank[ost_band(ost_score(age + 5, kg), sex)]
    assert older >= here


def test_it_converts_pounds() -> None:
    assert round(to_kg(Decimal(121), "lb"), 1) == Decimal("54.9")


@pytest.mark.django_db
def test_it_shows_maria_her_result_without_saving_or_putting_it_in_the_url(client: Client) -> None:
    r = client.post(
        "/en/risk/",
        {"factors": ["female", "older"], "sex": "woman", "age": "78", "weight": "110", "unit": "lb"},
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "You checked 2 of 12" in html
    assert "Your bone score is <strong>-5</strong>" in html  # 110 lb = 49.9 kg
    assert "high risk" in html
    assert "Koh LK" in html


@pytest.mark.django_db
def test_it_asks_for_all_three_score_fields(client: Client) -> None:
    r = client.post("/es/riesgo/", {"age": "70", "unit": "kg"})
    assert r.status_code == 400
    assert "llene las tres cosas" in r.content.decode()


@pytest.mark.django_db
def test_it_works_with_factors_only(client: Client) -> None:
    html = client.post("/es/riesgo/", {"factors": ["smoking"], "unit": "kg"}).content.decode()
    assert "Marcó 1 de 12" in html
    assert "puntaje de los huesos es" not in html
