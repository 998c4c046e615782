"""The EHRs that may launch kyphoplan, from the SMART_LAUNCH_EHRS setting (JSON):

    {"https://ehr.example.org/fhir": {"client_id": "kyphoplan"}}

The key is the EHR's FHIR base URL, exactly as it sends it in `iss`. A value that is set
but cannot be read stops the start-up (ImproperlyConfigured).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kyphoplan.web.env import json_object_setting

SCOPE = "launch openid fhirUser"


@dataclass(frozen=True)
class LaunchEhr:
    iss: str
    client_id: str


def _fail(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"SMART_LAUNCH_EHRS (KYPHOPLAN_SMART_LAUNCH_EHRS): {message}")


@lru_cache(maxsize=4)
def parse_launch_ehrs(raw: str) -> dict[str, LaunchEhr]:
    ehrs = {}
    for iss, entry in json_object_setting(raw, _fail, keyed_by="the EHR's FHIR base URL").items():
        if not isinstance(entry, dict) or set(entry) != {"client_id"} or not isinstance(entry["client_id"], str):
            raise _fail(f"{iss}: needs exactly a 'client_id' string")
        if not iss.startswith(("https://", "http://")):
            raise _fail(f"{iss}: must be an http(s) URL")
        ehrs[iss.rstrip("/")] = LaunchEhr(iss=iss.rstrip("/"), client_id=entry["client_id"])
    return ehrs


def launch_ehrs() -> dict[str, LaunchEhr]:
    return parse_launch_ehrs(getattr(settings, "SMART_LAUNCH_EHRS", ""))


def redirect_uri() -> str:
    return f"{settings.BASE_URL.rstrip('/')}/smart/callback"
