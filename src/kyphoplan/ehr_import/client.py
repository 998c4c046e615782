"""A small FHIR R4 REST client: read a resource, or a search followed through `link[next]`.

Standard library only. The access token is sent only to the server it was given
for: a `next` link that points anywhere else is an error, not a request.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from kyphoplan.fhir.outcomes import data_resources, failure_of, next_page

TIMEOUT_SECONDS = 10
MAX_PAGES = 20
MAX_BYTES = 5 * 1024 * 1024


class FhirFetchError(Exception):
    """The server could not be read. `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FhirServer:
    base_url: str
    access_token: str = ""

    def url(self, relative: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", relative.lstrip("/"))

    def _same_origin(self, url: str) -> bool:
        mine, theirs = urlsplit(self.base_url), urlsplit(url)
        return (mine.scheme, mine.netloc) == (theirs.scheme, theirs.netloc)

    def get_json(self, url: str) -> dict[str, Any]:
        if not self._same_origin(url):
            raise FhirFetchError("refusing to follow a link to another server")
        request = urllib.request.Request(url, headers={"Accept": "application/fhir+json"})
        if self.access_token:
            request.add_header("Authorization", f"Bearer {self.access_token}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                body = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FhirFetchError(f"HTTP {exc.code} from the FHIR server", status=exc.code) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise FhirFetchError(f"cannot reach the FHIR server ({exc.__class__.__name__})") from None
        if len(body) > MAX_BYTES:
            raise FhirFetchError("response too large")
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise FhirFetchError("the FHIR server did not send JSON") from None
        if not isinstance(data, dict) or "resourceType" not in data:
            raise FhirFetchError("the FHIR server did not send a FHIR resource")
        if data["resourceType"] == "OperationOutcome":
            raise FhirFetchError("the FHIR server answered with an OperationOutcome")
        return data

    def read(self, relative: str) -> dict[str, Any]:
        return self.get_json(self.url(relative))

    def search(self, relative: str) -> list[dict[str, Any]]:
        """Every resource of a search, page after page (at most MAX_PAGES)."""
        return self.follow(self.url(relative))

    def follow(self, url: str) -> list[dict[str, Any]]:
        """Every resource from the page at `url` on, following `link[next]`.

        A page that is an OperationOutcome, holds only one, or reports an error is a
        failed fetch (FhirFetchError), never an empty or shorter list."""
        resources: list[dict[str, Any]] = []
        page: str | None = url
        for _ in range(MAX_PAGES):
            assert page is not None
            bundle = self.get_json(page)
            if bundle["resourceType"] != "Bundle":
                raise FhirFetchError("a search did not return a Bundle")
            problem = failure_of(bundle)
            if problem:
                raise FhirFetchError(problem)
            resources.extend(data_resources(bundle))
            page = next_page(bundle)
            if not page:
                return resources
            page = urljoin(self.url(""), page)
        raise FhirFetchError(f"more than {MAX_PAGES} pages")
