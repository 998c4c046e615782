"""A small SMART EHR for tests: a real HTTP server on localhost (a thread in the test process).

It plays the EHR's authorization server (SMART App Launch 2.0: discovery, authorize with
PKCE S256, token with a signed id_token; SMART Backend Services: client_credentials with a
private_key_jwt assertion checked against the client's registered keys) and its FHIR
server (fixed resources, only for a bearer token it issued). Every check a real server makes
on these requests is made here, so a client that skips one fails its test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class SmartEhr:
    base: str = ""  # http://127.0.0.1:<port>/fhir: the FHIR base, `iss` of a launch
    client_id: str = "kyphoplan"
    launches: dict[str, dict[str, Any]] = field(default_factory=dict)  # launch id → {"fhirUser", "appContext"}
    backend_clients: dict[str, dict[str, Any]] = field(default_factory=dict)  # client_id → JWKS
    resources: dict[str, Any] = field(default_factory=dict)  # path with query → FHIR JSON
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    seen_jti: set[str] = field(default_factory=set)
    log: list[str] = field(default_factory=list)
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @property
    def origin(self) -> str:
        return self.base.removesuffix("/fhir")

    def configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.origin, "jwks_uri": f"{self.origin}/jwks",
            "authorization_endpoint": f"{self.origin}/authorize", "token_endpoint": f"{self.origin}/token",
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
            "scopes_supported": ["openid", "fhirUser", "launch", "system/*.rs"],
            "response_types_supported": ["code"],
            "capabilities": ["launch-ehr", "client-public", "sso-openid-connect", "context-ehr-patient",
                             "permission-v2"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": "ehr-oidc-1", "alg": "RS256", "use": "sig"}]}

    # Authorization endpoint: the EHR has already signed the clinician in; it approves.
    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        problems = [
            name for name, ok in (
                ("response_type", query.get("response_type") == "code"),
                ("client_id", query.get("client_id") == self.client_id),
                ("launch", query.get("launch") in self.launches),
                ("aud", query.get("aud") == self.base),
                ("scope", {"launch", "openid", "fhirUser"} <= set(query.get("scope", "").split())),
                ("code_challenge_method", query.get("code_challenge_method") == "S256"),
                ("code_challenge", len(query.get("code_challenge", "")) == 43),
                ("state", bool(query.get("state"))),
            ) if not ok]
        if problems:
            return 400, {}, {"error": "invalid_request", "error_description": ", ".join(problems)}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"challenge": query["code_challenge"], "redirect_uri": query["redirect_uri"],
                            "launch": query["launch"]}
        return 302, {"Location": f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"}, b""

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("grant_type") == "authorization_code":
            return self._code_token(form)
        if form.get("grant_type") == "client_credentials":
            return self._backend_token(form)
        return 400, {"error": "unsupported_grant_type"}

    def _code_token(self, form: dict[str, str]) -> tuple[int, Any]:
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri") or challenge != grant["challenge"] \
                or form.get("client_id") != self.client_id:
            return 400, {"error": "invalid_grant"}
        context = self.launches[grant["launch"]]
        now = int(time.time())
        id_token = jwt.encode({"iss": self.origin, "sub": "user-77", "aud": self.client_id, "iat": now,
                               "exp": now + 300, "fhirUser": context["fhirUser"]}, self.key, algorithm="RS256",
                              headers={"kid": "ehr-oidc-1"})
        access = secrets.token_urlsafe(16)
        self.tokens.add(access)
        body = {"access_token": access, "token_type": "Bearer", "expires_in": 3600, "id_token": id_token,
                "scope": "launch openid fhirUser", "patient": context.get("patient", "1288992")}
        if context.get("appContext"):
            body["appContext"] = context["appContext"]
        return 200, body

    def _backend_token(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return 400, {"error": "invalid_client", "error_description": "client_assertion_type"}
        assertion = form.get("client_assertion", "")
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
            keys = jwt.PyJWKSet.from_dict(self.backend_clients[unverified["iss"]])
            kid = jwt.get_unverified_header(assertion).get("kid")
            key = next(k for k in keys.keys if k.key_id == kid)
            claims = jwt.decode(assertion, key.key, algorithms=["RS384", "ES384"],
                                audience=f"{self.origin}/token", options={"require": ["iss", "sub", "exp", "jti"]})
        except (KeyError, StopIteration, jwt.PyJWTError) as exc:
            return 401, {"error": "invalid_client", "error_description": exc.__class__.__name__}
        if claims["iss"] != claims["sub"] or claims["exp"] > time.time() + 300 or claims["jti"] in self.seen_jti:
            return 401, {"error": "invalid_client", "error_description": "claims"}
        self.seen_jti.add(claims["jti"])
        access = secrets.token_urlsafe(16)
        self.tokens.add(access)
        return 200, {"access_token": access, "token_type": "bearer", "expires_in": 300,
                     "scope": form.get("scope", "system/*.rs")}


@contextmanager
def serve_smart_ehr(port: int = 0) -> Iterator[SmartEhr]:
    ehr = SmartEhr()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            ehr.log.append(f"GET {self.path}")
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/fhir/.well-known/smart-configuration":
                self._send(200, ehr.configuration())
            elif url.path == "/jwks":
                self._send(200, ehr.jwks())
            elif url.path == "/authorize":
                status, headers, body = ehr.authorize(query)
                self._send(status, body, headers)
            elif self.path in ehr.resources:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in ehr.tokens:
                    self._send(401, {"resourceType": "OperationOutcome",
                                     "issue": [{"severity": "error", "code": "login"}]})
                else:
                    self._send(200, ehr.resources[self.path])
            else:
                self._send(404, {"resourceType": "OperationOutcome", "issue": [{"severity": "error",
                                                                                "code": "not-found"}]})

        def do_POST(self) -> None:
            ehr.log.append(f"POST {self.path}")
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if self.path == "/token":
                status, body = ehr.token(form)
                self._send(status, body)
            else:
                self._send(404, {})

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    ehr.base = f"http://127.0.0.1:{server.server_address[1]}/fhir"
    # A short poll: shutdown() waits up to one poll interval (0.5 s by default) per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield ehr
    finally:
        server.shutdown()
        server.server_close()


def _demo(argv: list[str] | None = None) -> None:
    """Run the simulated EHR on its own (docs/integration.md): one launch ("demo-launch", for
    Practitioner/rita-1, with the appContext given), a backend client registered with the public
    key given, and a patient "ehr-42" whose medicine orders come in two pages, coded in RxNorm."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.smart.ehr_server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--app-context", default="", help="the launch's appContext (a CDS card's smart link gives it)")
    parser.add_argument("--backend-jwks", default="", help="JSON file: our backend client's public JWKS")
    args = parser.parse_args(argv)
    rxnorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
    with serve_smart_ehr(args.port) as ehr:
        ehr.launches["demo-launch"] = {"fhirUser": f"{ehr.base}/Practitioner/rita-1",
                                       "appContext": args.app_context}
        if args.backend_jwks:
            with open(args.backend_jwks) as handle:
                ehr.backend_clients["kyphoplan-backend"] = json.load(handle)

        def order(rid: str, code: str, display: str, text: str, dose: str) -> dict[str, Any]:
            return {"resourceType": "MedicationRequest", "id": rid, "status": "active", "intent": "order",
                    "medicationCodeableConcept": {"coding": [{"system": rxnorm, "code": code, "display": display}],
                                                  "text": text},
                    "subject": {"reference": "Patient/ehr-42"}, "dosageInstruction": [{"text": dose}]}

        def page(resources: list[dict[str, Any]], next_url: str = "") -> dict[str, Any]:
            body: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset",
                                    "entry": [{"resource": r} for r in resources]}
            if next_url:
                body["link"] = [{"relation": "next", "url": next_url}]
            return body

        ehr.resources.update({
            "/fhir/MedicationRequest?patient=ehr-42&_count=100": page(
                [order("mr-1", "1364445", "apixaban 5 MG Oral Tablet", "Eliquis 5 mg", "1 tablet twice daily")],
                f"{ehr.base}/MedicationRequest?patient=ehr-42&page=2"),
            "/fhir/MedicationRequest?patient=ehr-42&page=2": page(
                [order("mr-2", "32968", "clopidogrel", "antiplatelet (per cardiology)", "75 mg once daily")]),
            # The same first page for kyphoplan's CDS prefetch template (status=active,on-hold).
            "/fhir/MedicationRequest?patient=ehr-42&status=active,on-hold": page(
                [order("mr-1", "1364445", "apixaban 5 MG Oral Tablet", "Eliquis 5 mg", "1 tablet twice daily")],
                f"{ehr.base}/MedicationRequest?patient=ehr-42&page=2"),
            "/fhir/MedicationStatement?patient=ehr-42&_count=100": page([]),
            "/fhir/AllergyIntolerance?patient=ehr-42&_count=100": page([]),
        })
        print(f"simulated EHR: FHIR base {ehr.base}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    _demo()
