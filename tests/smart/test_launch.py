"""SMART App Launch 2.0 from a simulated EHR (a real authorization server on localhost):
a linked clinician lands on the plan signed in, with no second kyphoplan login; an
unlinked one is refused clearly and audited."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from kyphoplan.audit.models import AuditEvent
from kyphoplan.smart.models import SmartUserLink
from tests.cdshooks.conftest import ORDER_SIGN, in_days, order_sign_request
from tests.smart.ehr_server import SmartEhr, serve_smart_ehr

pytestmark = pytest.mark.django_db


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _browser_to_ehr(url: str) -> str:
    """What the browser does at the EHR's authorize endpoint: follow it, return where it sends us."""
    try:
        urllib.request.build_opener(_NoRedirect).open(url, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read()
        return str(answer.headers["Location"])
    raise AssertionError("the EHR did not redirect back")


@pytest.fixture
def smart_ehr(settings: Any) -> Any:
    with serve_smart_ehr() as server:
        settings.BASE_URL = "http://testserver"
        settings.SMART_LAUNCH_EHRS = json.dumps({server.base: {"client_id": server.client_id}})
        yield server


def _launch(client: Any, ehr_server: SmartEhr, launch: str) -> Any:
    start = client.get("/smart/launch", {"iss": ehr_server.base, "launch": launch})
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{ehr_server.origin}/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["aud"] == [ehr_server.base]
    assert query["redirect_uri"] == ["http://testserver/smart/callback"]
    back = urlsplit(_browser_to_ehr(authorize))
    return client.get(back.path, parse_qs(back.query))


def test_it_signs_a_linked_clinician_in_and_opens_the_case(client: Any, smart_ehr: SmartEhr, rita: Any,
                                                           alex: Any, maria_case: Any) -> None:
    call_command("link_smart_user", issuer=smart_ehr.base, fhir_user=f"{smart_ehr.base}/Practitioner/rita-1",
                 staff="rita", by="alex")
    smart_ehr.launches["L1"] = {"fhirUser": f"{smart_ehr.base}/Practitioner/rita-1",
                                "appContext": json.dumps({"case": str(maria_case.pk)})}
    landed = _launch(client, smart_ehr, "L1")
    assert landed.status_code == 302 and landed["Location"] == f"/staff/cases/{maria_case.pk}/"
    page = client.get(landed["Location"])
    assert page.status_code == 200  # signed in, second factor satisfied by the EHR: no kyphoplan login
    assert maria_case.reference in page.content.decode()
    login = AuditEvent.objects.get(action="login", actor_username="rita")
    assert login.detail == {"via": "smart", "issuer": smart_ehr.base,
                            "fhir_user": f"{smart_ehr.base}/Practitioner/rita-1"}
    assert AuditEvent.objects.filter(action="create", object_type="smart_link", actor_username="alex").exists()
    assert SmartUserLink.objects.get().fhir_user == "Practitioner/rita-1"


def test_it_opens_the_plan_from_a_cds_cards_smart_link(client: Any, smart_ehr: SmartEhr, rita: Any, alex: Any,
                                                       call: Any) -> None:
    cards = call(ORDER_SIGN, order_sign_request(in_days(20))).json()["cards"]
    smart = next(link for link in cards[0]["links"] if link["type"] == "smart")
    assert smart["url"] == "http://testserver/smart/launch"
    call_command("link_smart_user", issuer=smart_ehr.base, fhir_user="Practitioner/rita-1", staff="rita", by="alex")
    # The EHR launches the link's url with a launch that carries the link's appContext.
    smart_ehr.launches["L2"] = {"fhirUser": f"{smart_ehr.base}/Practitioner/rita-1", "appContext": smart["appContext"]}
    landed = _launch(client, smart_ehr, "L2")
    invocation = json.loads(smart["appContext"])["invocation"]
    assert landed["Location"] == f"/cds-services/previews/{invocation}"
    preview = client.get(landed["Location"])
    assert preview.status_code == 200 and "apixaban" in preview.content.decode()


def test_it_refuses_an_unlinked_ehr_user_clearly_and_audits_it(client: Any, smart_ehr: SmartEhr, rita: Any) -> None:
    smart_ehr.launches["L3"] = {"fhirUser": f"{smart_ehr.base}/Practitioner/stranger-9"}
    refused = _launch(client, smart_ehr, "L3")
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "Practitioner/stranger-9" in text and "not linked to a kyphoplan staff account" in text
    assert AuditEvent.objects.filter(action="denied", detail__fhir_user__endswith="stranger-9").exists()
    assert client.get("/staff/cases/").status_code == 302  # not signed in


def test_it_refuses_an_unconfigured_ehr_and_a_code_without_its_launch_state(client: Any, smart_ehr: SmartEhr,
                                                                             rita: Any, alex: Any) -> None:
    assert client.get("/smart/launch", {"iss": "https://other.example/fhir", "launch": "x"}).status_code == 400
    call_command("link_smart_user", issuer=smart_ehr.base, fhir_user="Practitioner/rita-1", staff="rita", by="alex")
    smart_ehr.launches["L4"] = {"fhirUser": f"{smart_ehr.base}/Practitioner/rita-1"}
    start = client.get("/smart/launch", {"iss": smart_ehr.base, "launch": "L4"})
    back = urlsplit(_browser_to_ehr(start["Location"]))
    # Someone else's browser (no pending launch in its session) cannot use the code.
    from django.test import Client

    assert Client().get(back.path, parse_qs(back.query)).status_code == 400
    assert client.get(back.path, parse_qs(back.query)).status_code == 302
    assert client.get(back.path, parse_qs(back.query)).status_code == 400  # state used once
