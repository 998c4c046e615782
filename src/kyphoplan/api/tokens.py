"""Make and check integration tokens. Token text: `kp_<prefix>_<secret>`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User

from kyphoplan.api.models import ApiToken, Scope

# Write `last_used_at` at most this often: a busy integration should not write on every read.
_TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Caller:
    token: ApiToken
    user: User

    def has(self, scope: Scope) -> bool:
        return scope.value in self.token.scopes


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def issue(owner: User, name: str, scopes: list[Scope], *, now: datetime,
          expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns (row, token text). The text is not stored anywhere."""
    prefix = secrets.token_hex(4)
    text = f"kp_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        name=name, owner=owner, prefix=prefix, token_hash=_digest(text),
        scopes=sorted({s.value for s in scopes}), created_at=now, expires_at=expires_at,
    )
    return row, text


def check(text: str, *, now: datetime) -> Caller | None:
    parts = text.split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != "kp":
        return None
    row = ApiToken.objects.select_related("owner").filter(prefix=parts[1]).first()
    if row is None or not hmac.compare_digest(row.token_hash, _digest(text)) or not row.usable(now):
        return None
    if not row.owner.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return Caller(token=row, user=row.owner)


def from_header(authorization: str, *, now: datetime) -> Caller | None:
    scheme, _, text = authorization.partition(" ")
    return check(text.strip(), now=now) if scheme.lower() == "bearer" else None
