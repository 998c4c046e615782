"""Signed check-in links: `<id>-<signature>`, an HMAC-SHA256 of the id under SECRET_KEY.

Stateless and short (the SMS must stay under 160 characters). Nothing secret is stored:
the signature is recomputed. A link opens only its own check-in, and only while that
check-in is open; after that the page says so and gives the practice's phone number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.urls import reverse
from django.utils import translation

SALT = b"kyphoplan.followup.checkin:"
SIGNATURE_CHARS = 22  # 132 bits


def _signature(pk: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), SALT + str(pk).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]


def make_token(pk: int) -> str:
    return f"{pk}-{_signature(pk)}"


def read_token(token: str) -> int | None:
    pk, _, given = token.partition("-")
    if not pk.isdigit() or len(given) != SIGNATURE_CHARS:
        return None
    return int(pk) if hmac.compare_digest(_signature(int(pk)), given) else None


def checkin_url(pk: int, language: str) -> str:
    with translation.override(language):
        path = reverse("followup_patient:checkin", kwargs={"token": make_token(pk)})
    return settings.BASE_URL + path
