"""/fhir/metadata lists exactly what /fhir/ serves: every resource type it answers for (the FHIR
app's and those outcomes.fhir_urls adds: follow-up answers, scores, instruments, liaison letters),
with the interactions and search parameters each handler accepts, and nothing it does not."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import fhir.resources.R4B as r4b
import pytest
from fhir.resources.R4B.resource import Resource

from kyphoplan.followup.answers import answer_checkin
from kyphoplan.followup.models import CheckIn
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.liaison.services import write_letter
from tests.followup.fixtures import booked  # noqa: F401
from tests.followup.test_checkins import BASELINE, FULL
from tests.pathway.fixtures import START, maria_case, maria_submitted, rooms  # noqa: F401

pytestmark = pytest.mark.django_db


def _all_resource_types() -> list[str]:
    """Every R4 resource type name (from the R4B model package the FHIR app validates with)."""
    names = []
    for path in sorted(Path(r4b.__file__).parent.glob("*.py")):
        cls = next((c for n, c in vars(__import__(f"fhir.resources.R4B.{path.stem}", fromlist=["x"])).items()
                    if n.lower() == path.stem and isinstance(c, type)), None)
        if cls is not None and issubclass(cls, Resource) and cls.__name__ not in ("Resource", "DomainResource"):
            names.append(cls.__name__)
    return names


@pytest.fixture
def everything(booked: Any, nora: Any) -> Any:  # noqa: F811
    """Maria, answered at baseline and 1 month, with a liaison letter: one of every resource."""
    base = CheckIn.objects.get(case=booked, timepoint=TimePoint.BASELINE)
    answer_checkin(base, BASELINE, now=base.due_at)
    month = CheckIn.objects.get(case=booked, timepoint=TimePoint.MONTH_1)
    answer_checkin(month, FULL, now=month.due_at)
    write_letter(nora, booked.liaison, ip=None, now=START + timedelta(days=10))
    return booked


def _statement(client: Any) -> dict[str, dict[str, Any]]:
    body = client.get("/fhir/metadata").json()
    return {r["type"]: r for r in body["rest"][0]["resource"]}


def test_it_lists_every_type_fhir_answers_for_and_no_other(client: Any, everything: Any, nora: Any) -> None:
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    _, token = issue(nora, "ehr", [Scope.FHIR_READ], now=START)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = _statement(client)
    types = _all_resource_types()
    assert len(types) > 140 and "Communication" in types
    answered = set()
    for kind in types:
        search = client.get(f"/fhir/{kind}?patient={everything.pk}", **auth)
        read = client.get(f"/fhir/{kind}/no-such-id", **auth)
        issue_code = (read.json().get("issue") or [{}])[0].get("code")
        # Not served: 404 "not-supported" for both; served: a Bundle (or a 400 naming its parameters)
        # and a read that says "not found" (the id is unknown), never "not supported".
        if search.status_code != 404 or issue_code != "not-supported":
            answered.add(kind)
    assert answered == set(listed)
    assert {"Communication", "Questionnaire", "QuestionnaireResponse", "Observation", "DocumentReference"} <= answered


def test_it_reads_back_one_of_every_resource_the_statement_offers(client: Any, everything: Any, nora: Any) -> None:
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    _, token = issue(nora, "ehr", [Scope.FHIR_READ], now=START)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = _statement(client)
    assert [i["code"] for i in listed["Communication"]["interaction"]] == ["read", "search-type"]
    found: dict[str, list[str]] = {}
    for kind, entry in listed.items():
        codes = [i["code"] for i in entry["interaction"]]
        if "search-type" not in codes:
            continue
        params = {p["name"] for p in entry.get("searchParam", [])}
        query = f"?patient={everything.pk}" if "patient" in params else (
            f"?_id={everything.pk}" if "_id" in params else "")
        page = client.get(f"/fhir/{kind}{query}", **auth)
        assert page.status_code == 200, (kind, page.content)
        ids = [e["resource"]["id"] for e in page.json().get("entry", [])]
        found[kind] = ids
        if ids and "read" in codes:
            one = client.get(f"/fhir/{kind}/{ids[-1]}", **auth)
            assert one.status_code == 200 and one.json()["resourceType"] == kind, (kind, one.content)
    assert any(i.startswith("liaison-letter-") for i in found["Communication"])
    assert any(i.startswith("liaison-letter-") for i in found["DocumentReference"])
    assert any(i.startswith("followup-") for i in found["Observation"])
    assert "kyphoplan-nrs-pain" in found["Questionnaire"]  # the instruments are searchable too


def test_it_accepts_each_listed_search_parameter_and_refuses_an_unlisted_one(
    client: Any, everything: Any, nora: Any,
) -> None:
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    _, token = issue(nora, "ehr", [Scope.FHIR_READ], now=START)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    sample = {"reference": str(everything.pk), "number": "5", "token": "active", "string": ""}
    for kind, entry in _statement(client).items():
        params = {p["name"]: p["type"] for p in entry.get("searchParam", [])}
        if not params:
            continue
        base = {"patient": str(everything.pk)} if "patient" in params else {}
        if kind == "Patient":
            base = {"_id": str(everything.pk)}
        for name, type_ in params.items():
            if name == "_cursor":
                continue  # only a value this server made is valid (tests/fhir/test_endpoints.py)
            query = {**base, name: base.get(name, sample[type_])}
            assert client.get(f"/fhir/{kind}", query, **auth).status_code == 200, (kind, name)
        if kind != "Questionnaire":
            assert client.get(f"/fhir/{kind}", {**base, "_sort": "date"}, **auth).status_code == 400, kind


def test_it_pages_follow_up_answers_after_the_intake_answers_without_repeats(
    client: Any, everything: Any, nora: Any,
) -> None:
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    _, token = issue(nora, "ehr", [Scope.FHIR_READ], now=START)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    whole = client.get(f"/fhir/QuestionnaireResponse?patient={everything.pk}", **auth).json()
    ids = [e["resource"]["id"] for e in whole["entry"]]
    assert whole["total"] == len(ids) >= 3
    paged: list[str] = []
    for offset in range(0, len(ids), 2):
        page = client.get(f"/fhir/QuestionnaireResponse?patient={everything.pk}&_count=2&_offset={offset}",
                          **auth).json()
        assert page["total"] == len(ids)
        paged += [e["resource"]["id"] for e in page.get("entry", [])]
    assert paged == ids
    done = client.get(f"/fhir/QuestionnaireResponse?patient={everything.pk}&status=in-progress", **auth).json()
    assert all(not e["resource"]["id"].startswith("followup-") for e in done.get("entry", []))


def test_it_answers_every_self_and_next_link_it_emits_for_every_searchable_type(
    client: Any, everything: Any, nora: Any, settings: Any,
) -> None:
    """Every link a search Bundle carries works (200), with or without `_count`, and paging
    by `_count`/`_offset` (or `_cursor`) walks the whole list once, the same way for every type."""
    from kyphoplan.api.models import Scope
    from kyphoplan.api.tokens import issue

    _, token = issue(nora, "ehr", [Scope.FHIR_READ], now=START)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    followed = 0
    for kind, entry in _statement(client).items():
        if "search-type" not in [i["code"] for i in entry["interaction"]]:
            continue
        params = {p["name"] for p in entry.get("searchParam", [])}
        base = f"patient={everything.pk}" if "patient" in params else (
            f"_id={everything.pk}" if "_id" in params else "")
        if kind != "Task":  # Task pages by keyset: it takes _count but no _offset
            assert {"_count", "_offset"} <= params, kind
        whole = client.get(f"/fhir/{kind}?{base}", **auth)
        assert whole.status_code == 200, (kind, whole.content)
        every = [e["resource"]["id"] for e in whole.json().get("entry", [])]
        url: str | None = f"/fhir/{kind}?{base}&_count=1"
        paged: list[str] = []
        while url:
            page = client.get(url, **auth)
            assert page.status_code == 200, (kind, url, page.content)
            links = {link["relation"]: link["url"] for link in page.json()["link"]}
            again = client.get(links["self"].removeprefix(settings.BASE_URL), **auth)
            assert again.status_code == 200, (kind, links["self"], again.content)
            ids = [e["resource"]["id"] for e in page.json().get("entry", [])]
            assert [e["resource"]["id"] for e in again.json().get("entry", [])] == ids, (kind, links["self"])
            paged += ids
            url = links["next"].removeprefix(settings.BASE_URL) if "next" in links else None
            followed += 1
            assert len(paged) <= len(every) + 1, kind
        if kind != "Task":
            assert paged == every, kind
    assert followed > 15
