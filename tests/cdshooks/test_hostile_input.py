"""Hostile requests to CDS Hooks: a clear 4xx, never a traceback."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.cdshooks.conftest import ORDER_SIGN, service_url

pytestmark = pytest.mark.django_db
AUD = service_url(ORDER_SIGN)


@pytest.mark.parametrize("exp", [1e308, -1e308, 10**20])
def test_it_refuses_a_token_whose_exp_is_no_time(call: Any, ehr: Any, exp: Any) -> None:
    response = call(ORDER_SIGN, {"hook": "order-sign", "context": {}}, token=ehr.token(AUD, exp=exp))
    assert response.status_code == 401, response.content


@pytest.mark.parametrize("depth", [70, 5_000, 200_000])
def test_it_answers_400_to_deeply_nested_json(client: Any, ehr: Any, depth: int) -> None:
    body = '{"hook": "order-sign", "context": ' + "[" * depth + "]" * depth + "}"
    response = client.post(f"/cds-services/{ORDER_SIGN}", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {ehr.token(AUD, iat=int(time.time()))}")
    assert response.status_code == 400, response.content
