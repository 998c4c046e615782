"""Integration tokens for API and FHIR tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.pathway.fixtures import maria_case, nora, rooms  # noqa: F401


@pytest.fixture
def token_for(db: Any) -> Callable[..., str]:
    from django.utils import timezone

    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    def make(user: Any, *scopes: str) -> str:
        _, text = issue(user, "test integration", [Scope(s) for s in scopes], now=timezone.now())
        return text

    return make
