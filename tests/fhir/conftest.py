from collections.abc import Iterator
from typing import Any

import pytest

from kyphoplan.fhir import http
from kyphoplan.fhir.validate import emit
from tests.api.conftest import maria_case, nora, rooms, token_for  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def every_response_is_valid_fhir(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Responses skip the R4B models at run time (fhir.http): here every resource a FHIR test
    receives goes through them, and must come back exactly as it was sent."""
    plain = http.serialise
    sent: list[dict[str, Any]] = []

    def checked(resource: dict[str, Any]) -> str:
        assert emit(resource) == resource, f"{resource.get('resourceType')} changes when validated"
        sent.append(resource)
        return plain(resource)

    monkeypatch.setattr(http, "serialise", checked)
    yield sent
