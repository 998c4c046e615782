"""Who may do what on the pathway.

Checked by role (group) rather than by Django permission because the role
groups' permission lists are set exactly by `staff.roles.ensure_roles`, which
belongs to the staff app; folding these into it is a follow-up.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.staff.roles import Role

VIEW_CASES = frozenset({Role.SCHEDULER, Role.NURSE, Role.RADIOLOGIST, Role.ADMIN})
WORK_CASES = frozenset({Role.SCHEDULER, Role.NURSE, Role.ADMIN})
REVIEW_PLANS = frozenset({Role.NURSE, Role.RADIOLOGIST})
BOOK = frozenset({Role.SCHEDULER, Role.NURSE, Role.ADMIN})
MANAGE_ROOMS = frozenset({Role.ADMIN})


def has_role(user: Any, allowed: frozenset[Role]) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    labels = {role.label for role in allowed}
    return user.groups.filter(name__in=labels).exists()


def require(user: Any, allowed: frozenset[Role], *, ip: str | None, what: str) -> None:
    if not has_role(user, allowed):
        record(user, Action.DENIED, ip=ip, object_type="case", detail={"tried": what})
        raise PermissionDenied
