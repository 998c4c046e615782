"""Verbs of a SMART sign-in: who an EHR user is here, linking them (audited), signing in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_otp
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.smart.models import SmartLaunchDevice, SmartUserLink

OBJECT_TYPE = "smart_link"


def relative_user(issuer: str, fhir_user: str) -> str:
    """`fhirUser` as the link stores it: relative to the EHR's FHIR base when it is under it."""
    prefix = issuer.rstrip("/") + "/"
    return fhir_user[len(prefix):] if fhir_user.startswith(prefix) else fhir_user


def link_user(acting_user: Any, *, issuer: str, fhir_user: str, staff_user: Any, ip: str | None,
              now: datetime) -> SmartUserLink:
    with transaction.atomic():
        link, _ = SmartUserLink.objects.update_or_create(
            issuer=issuer.rstrip("/"), fhir_user=relative_user(issuer, fhir_user),
            defaults={"user": staff_user, "created_at": now, "created_by": acting_user})
        record(acting_user, Action.CREATE, ip=ip, object_type=OBJECT_TYPE, object_id=link.pk, at=now,
               username="" if acting_user is not None else "manage.py",
               detail={"issuer": link.issuer, "fhir_user": link.fhir_user, "staff": staff_user.get_username()})
    return link


def linked_user(issuer: str, fhir_user: str) -> Any | None:
    link = (SmartUserLink.objects.select_related("user")
            .filter(issuer=issuer.rstrip("/"), fhir_user=relative_user(issuer, fhir_user)).first())
    return link.user if link is not None and link.user.is_active else None


def sign_in(request: HttpRequest, user: Any, *, issuer: str, fhir_user: str, ip: str | None, now: datetime) -> None:
    """Sign the linked staff user in, with the EHR's authentication as the second factor."""
    with transaction.atomic():
        device, _ = SmartLaunchDevice.objects.get_or_create(user=user, defaults={"name": "SMART launch",
                                                                                 "confirmed": True})
        login(request, user, backend="kyphoplan.staff.roles.StaffBackend")
        django_otp.login(request, device)
        record(user, Action.LOGIN, ip=ip, at=now, detail={"via": "smart", "issuer": issuer, "fhir_user": fhir_user})


def refuse(issuer: str, fhir_user: str, *, ip: str | None, now: datetime) -> None:
    record(None, Action.DENIED, ip=ip, at=now, username=f"smart:{fhir_user}"[:150],
           detail={"via": "smart", "issuer": issuer, "fhir_user": fhir_user, "reason": "not linked"})
