"""The one role model: a staff member's roles are groups named by role value, and what
each role may do is the table below.

Django's permission API (`user.has_perm`, `{{ perms }}` in templates) answers from this
table through `StaffBackend`, and the pathway's role sets (`cases.roles`) check the same
roles, so there is one source: group rows carry no Django permissions of their own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.db import models
from django.db.models import Q, QuerySet


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
_CACHE = "_kyphoplan_roles"


def roles_of(user: Any) -> frozenset[Role]:
    """The roles of an active, signed-in user (none otherwise); read once per request's user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _CACHE, None)
    if cached is None:
        names = user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        cached = frozenset(Role(name) for name in names)
        setattr(user, _CACHE, cached)
    return cached


def has_role(user: Any, allowed: Iterable[Role]) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or not roles_of(user).isdisjoint(allowed)


def roles_with(perm: str) -> frozenset[Role]:
    return frozenset(role for role, perms in ROLE_PERMISSIONS.items() if perm in perms)


def users_with(allowed: Iterable[Role]) -> QuerySet[User]:
    values = [Role(role).value for role in allowed]
    return (get_user_model().objects.filter(Q(groups__name__in=values) | Q(is_superuser=True), is_active=True)
            .distinct().order_by("username"))


class StaffBackend(ModelBackend):
    """Passwords as Django's ModelBackend; permissions only from ROLE_PERMISSIONS by role."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
        return {perm for role in roles_of(user_obj) for perm in ROLE_PERMISSIONS[role]}


def ensure_roles() -> dict[Role, Group]:
    """One group per role, named by its value. Safe to run again: renames groups an older
    version named by label, and clears Django permissions from them (the table above rules)."""
    groups = {}
    for role in Role:
        group = Group.objects.filter(name=role.value).first()
        if group is None:
            group = Group.objects.filter(name=role.label).first() or Group(name=role.value)
            group.name = role.value
            group.save()
        group.permissions.clear()
        groups[role] = group
    return groups


def ensure_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "label", "") != "staff":
        return
    with contextlib.suppress(Permission.DoesNotExist):
        ensure_roles()
