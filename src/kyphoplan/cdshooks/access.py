"""Reads of stored hook invocations (they hold patient facts): each writes an audit row."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import User

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cdshooks.models import Invocation

OBJECT_TYPE = "cdsinvocation"


def access_invocation(user: User, invocation_id: UUID, *, ip: str | None) -> Invocation:
    invocation = Invocation.objects.get(pk=invocation_id)
    record(user, Action.VIEW, ip=ip, object_type=OBJECT_TYPE, object_id=invocation.pk)
    return invocation
