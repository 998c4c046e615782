"""The one way to write an audit row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from kyphoplan.audit.models import Action, AuditEvent


def record(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: Action,
    *,
    ip: str | None,
    object_type: str = "",
    object_id: object = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
    username: str = "",
) -> AuditEvent:
    known = actor is not None and actor.is_authenticated
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        actor_id=actor.pk if known else None,  # type: ignore[union-attr]
        actor_username=actor.get_username() if known else username,  # type: ignore[union-attr]
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip=ip,
        detail=detail or {},
    )
