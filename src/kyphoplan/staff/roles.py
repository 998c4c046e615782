"""Roles are Django groups; what each may do is the permission list below."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models


class Role(models.TextChoices):
    SCHEDULER = "scheduler", "Scheduler"
    NURSE = "nurse_coordinator", "Nurse coordinator"
    RADIOLOGIST = "radiologist", "Radiologist"
    ADMIN = "practice_admin", "Practice admin"


_WORK_QUEUE = ["callbacks.view_callbackrequest", "callbacks.change_callbackrequest"]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.SCHEDULER: _WORK_QUEUE,
    Role.NURSE: _WORK_QUEUE,
    # Radiologists read the queue to see what is coming; scheduling is not their job.
    Role.RADIOLOGIST: ["callbacks.view_callbackrequest"],
    Role.ADMIN: [
        *_WORK_QUEUE,
        "callbacks.export_callbackrequest",
        "audit.view_auditevent",
        "audit.export_auditevent",
        "outbox.change_outboxmessage",  # the failed-messages page, every kind of message
    ],
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_roles() -> dict[Role, Group]:
    """Create the role groups and set their permissions exactly. Safe to run again."""
    groups = {}
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.label)
        group.permissions.set([_permission(p) for p in perms])
        groups[role] = group
    return groups


def ensure_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "label", "") != "staff":
        return
    # A partial migrate (one app only) may lack permissions: roles come with the full one.
    with contextlib.suppress(Permission.DoesNotExist):
        ensure_roles()


def role_names(user: Any) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))
