"""The EHR's JWT: what is accepted and every way it is refused (CDS Hooks 2.0 security)."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from kyphoplan.audit.models import AuditEvent
from tests.cdshooks.conftest import ISS, ORDER_SIGN, in_days, order_sign_request, searchset, service_url

pytestmark = pytest.mark.django_db

# A draft order that is not a kyphoplasty: a signed request gets an empty card list,
# so these tests exercise authentication without running the clinical engine.
NOT_OURS = {
    "hookInstance": "a8e3c6ee-0b6a-4d5a-9d1c-1c1f0a1e8d11",
    "hook": "order-sign",
    "context": {"userId": "PractitionerRole/123", "patientId": "1288992",
                "draftOrders": searchset({"resourceType": "MedicationRequest", "id": "smart-MedicationRequest-103",
                                          "status": "draft", "intent": "order",
                                          "medicationCodeableConcept": {"text": "Amoxicillin 120 MG/ML"}})},
}
AUD = service_url(ORDER_SIGN)


def _refused(response: Any) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["error"]["message"] == "the request is not signed by a trusted CDS client"


def test_it_answers_a_signed_request_with_rs384(call: Any) -> None:
    response = call(ORDER_SIGN, NOT_OURS)
    assert response.status_code == 200
    assert response.json() == {"cards": []}


def test_it_accepts_es256_keys_too(call: Any, ehr: Any) -> None:
    response = call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, alg="ES256", kid="ec-1"))
    assert response.status_code == 200


def test_it_refuses_a_request_without_a_token(client: Any, ehr: Any) -> None:
    response = client.post(f"/cds-services/{ORDER_SIGN}", json.dumps(NOT_OURS), content_type="application/json")
    _refused(response)


def test_it_refuses_the_none_algorithm(call: Any, ehr: Any) -> None:
    unsigned = jwt.encode(ehr.claims(AUD), None, algorithm="none")
    _refused(call(ORDER_SIGN, NOT_OURS, token=unsigned))


def test_it_refuses_hmac_even_with_the_public_key_as_secret(call: Any, ehr: Any) -> None:
    for alg in ("HS256", "HS384", "HS512"):
        token = jwt.encode(ehr.claims(AUD), "a-shared-secret-" + "0123456789abcdef" * 4,
                           algorithm=alg, headers={"kid": "rsa-1"})
        _refused(call(ORDER_SIGN, NOT_OURS, token=token))
    # The classic confusion attack: the RSA public key's PEM used as the HMAC secret.
    header = {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}
    forged = _hs256_by_hand(header, ehr.claims(AUD), ehr.rsa.public_key())
    _refused(call(ORDER_SIGN, NOT_OURS, token=forged))


def _hs256_by_hand(header: dict[str, Any], claims: dict[str, Any], public_key: Any) -> str:
    import base64
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import serialization

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_it_refuses_a_token_for_another_service(call: Any, ehr: Any) -> None:
    for audience in ("https://other.example/cds-services/x", service_url("kyphoplasty-appointment-book"),
                     "http://testserver/cds-services"):
        _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(audience)))


def test_it_refuses_an_expired_token(call: Any, ehr: Any) -> None:
    now = int(time.time())
    _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, iat=now - 900, exp=now - 600)))


def test_it_refuses_a_token_without_exp_or_jti(call: Any, ehr: Any) -> None:
    _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, exp=None)))
    _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, jti=None)))


def test_it_refuses_a_token_that_lives_for_hours(call: Any, ehr: Any) -> None:
    _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, exp=int(time.time()) + 7200)))


def test_it_refuses_a_replayed_token(call: Any, ehr: Any) -> None:
    token = ehr.token(AUD)
    assert call(ORDER_SIGN, NOT_OURS, token=token).status_code == 200
    _refused(call(ORDER_SIGN, NOT_OURS, token=token))


def test_it_refuses_an_unknown_issuer(call: Any, ehr: Any) -> None:
    _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, iss="https://evil.example.org")))


def test_it_refuses_a_bad_signature(call: Any, ehr: Any) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, key=stranger)))
    # A valid token with its payload swapped keeps a signature that no longer matches.
    good = ehr.token(AUD).split(".")
    other = ehr.token(AUD, sub="someone-else").split(".")
    _refused(call(ORDER_SIGN, NOT_OURS, token=".".join([good[0], other[1], good[2]])))


def test_it_refuses_a_key_id_it_does_not_know(call: Any, ehr: Any) -> None:
    _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, kid="rotated-away")))


def test_it_refuses_an_rs_token_against_an_ec_key(call: Any, ehr: Any) -> None:
    _refused(call(ORDER_SIGN, NOT_OURS, token=ehr.token(AUD, alg="RS256", kid="ec-1")))


def test_it_refuses_everyone_when_no_issuer_is_configured(call: Any, ehr: Any, settings: Any, client: Any) -> None:
    token = ehr.token(AUD)
    settings.CDS_HOOKS_ISSUERS = ""
    response = client.post(f"/cds-services/{ORDER_SIGN}", json.dumps(NOT_OURS), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    _refused(response)


def test_it_writes_no_audit_row_and_reads_no_prefetch_for_a_refused_call(call: Any, ehr: Any) -> None:
    body = order_sign_request(in_days(20))
    _refused(call(ORDER_SIGN, body, token=ehr.token(AUD, iss="https://evil.example.org")))
    assert not AuditEvent.objects.exists()


def test_it_fails_start_up_on_a_malformed_issuer_list() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from kyphoplan.cdshooks.config import parse_issuers

    for raw in ("{not json", "[]", json.dumps({ISS: {}}), json.dumps({ISS: {"jwks": {"keys": []}}}),
                json.dumps({ISS: {"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}}}),
                json.dumps({ISS: {"jwks": {"keys": []}, "extra": 1}})):
        with pytest.raises(ImproperlyConfigured):
            parse_issuers(raw)


def test_it_accepts_a_token_from_the_documented_test_issuer_tool(tmp_path: Any, settings: Any, client: Any) -> None:
    from kyphoplan.cdshooks.devtool import keygen, token

    key = tmp_path / "ehr-key.pem"
    settings.BASE_URL = "http://testserver"
    settings.CDS_HOOKS_ISSUERS = keygen("https://ehr.example.org", key)
    jwt_text = token("https://ehr.example.org", key, AUD)
    response = client.post(f"/cds-services/{ORDER_SIGN}", json.dumps(NOT_OURS), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {jwt_text}")
    assert response.status_code == 200
