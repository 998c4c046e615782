"""/smart/launch and /smart/callback: the EHR launch of SMART App Launch 2.0 with PKCE.

1. The EHR opens /smart/launch?iss=<its FHIR base>&launch=<opaque>; `iss` must be configured.
2. We read its .well-known/smart-configuration and send the browser to its authorize
   endpoint (scope "launch openid fhirUser", S256 code challenge, state kept in the session).
3. The EHR sends the browser back with a code; we exchange it (with the verifier), check the
   id_token's signature, and map (iss, fhirUser) to the linked staff account: signed in
   (the EHR's authentication is the second factor), landing on the plan or case in the
   launch's appContext. An unlinked user is refused, with what to ask for, and audited.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import uuid
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kyphoplan.ehr_import.smart_discovery import SmartConfiguration, SmartError, discover, post_form
from kyphoplan.smart import services
from kyphoplan.smart.config import SCOPE, launch_ehrs, redirect_uri
from kyphoplan.smart.oauth import pkce_pair, verify_id_token
from kyphoplan.web.net import client_ip

log = logging.getLogger(__name__)
SESSION_KEY = "smart_launches"
MAX_PENDING = 5


def _problem(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "smart/problem.html", {"message": message}, status=status)


@require_GET
def launch(request: HttpRequest) -> HttpResponse:
    iss = request.GET.get("iss", "").rstrip("/")
    ehr = launch_ehrs().get(iss)
    if ehr is None:
        return _problem(request, "This EHR is not set up to open kyphoplan (its address is not configured).")
    if not request.GET.get("launch"):
        return _problem(request, "The EHR did not send a launch context.")
    try:
        config = discover(iss)
        if "S256" not in config.code_challenge_methods:
            raise SmartError("the EHR does not support PKCE with S256")
    except SmartError as exc:
        return _problem(request, f"kyphoplan could not start the sign-in: {exc}.", 502)
    state = secrets.token_urlsafe(24)
    verifier, challenge = pkce_pair()
    pending = dict(list(request.session.get(SESSION_KEY, {}).items())[-(MAX_PENDING - 1):])
    pending[state] = {"iss": iss, "verifier": verifier, "config": dataclasses.asdict(config)}
    request.session[SESSION_KEY] = pending
    query = urlencode({
        "response_type": "code", "client_id": ehr.client_id, "redirect_uri": redirect_uri(),
        "launch": request.GET["launch"], "scope": SCOPE, "state": state, "aud": iss,
        "code_challenge": challenge, "code_challenge_method": "S256",
    })
    return redirect(f"{config.authorization_endpoint}?{query}")


def _landing(token: dict[str, Any]) -> str:
    """The plan the card linked to (appContext), else the case list."""
    try:
        context = json.loads(token.get("appContext") or "{}")
    except (TypeError, json.JSONDecodeError):
        context = {}
    if isinstance(context, dict):
        try:
            if context.get("invocation"):
                return reverse("cdshooks:preview", args=[uuid.UUID(str(context["invocation"]))])
            if context.get("case"):
                return reverse("cases:detail", args=[uuid.UUID(str(context["case"]))])
        except ValueError:
            pass
    return reverse("cases:list")


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY, {})
    launch_state = pending.pop(request.GET.get("state", ""), None)
    request.session[SESSION_KEY] = pending
    if launch_state is None:
        return _problem(request, "This sign-in link has expired or was already used. Open kyphoplan from the EHR again.")
    if request.GET.get("error"):
        return _problem(request, f"The EHR did not sign you in ({request.GET['error'][:100]}).", 403)
    iss = launch_state["iss"]
    ehr = launch_ehrs().get(iss)
    if ehr is None:
        return _problem(request, "This EHR is no longer set up to open kyphoplan.")
    saved = launch_state["config"]
    config = SmartConfiguration(**{**saved, "code_challenge_methods": tuple(saved["code_challenge_methods"]),
                                   "grant_types": tuple(saved["grant_types"])})
    try:
        token = post_form(config.token_endpoint, {
            "grant_type": "authorization_code", "code": request.GET.get("code", ""),
            "redirect_uri": redirect_uri(), "client_id": ehr.client_id, "code_verifier": launch_state["verifier"],
        }, "token request")
        claims = verify_id_token(str(token.get("id_token") or ""), config, ehr.client_id)
    except SmartError as exc:
        log.warning("SMART launch from %s failed: %s", iss, exc)
        return _problem(request, f"kyphoplan could not finish the sign-in: {exc}.", 502)
    fhir_user = str(claims.get("fhirUser") or "")
    now, ip = timezone.now(), client_ip(request)
    if not fhir_user:
        return _problem(request, "The EHR did not say who you are (no fhirUser in the id_token).", 403)
    user = services.linked_user(iss, fhir_user)
    if user is None:
        services.refuse(iss, fhir_user, ip=ip, now=now)
        return _problem(request, (
            f"Your EHR account ({services.relative_user(iss, fhir_user)} at {iss}) is not linked to a kyphoplan "
            "staff account, so kyphoplan cannot open. Ask a kyphoplan administrator to link it "
            "(manage.py link_smart_user)."), 403)
    services.sign_in(request, user, issuer=iss, fhir_user=fhir_user, ip=ip, now=now)
    return redirect(_landing(token))
