"""Who may do what on the pathway: sets of roles, checked by the one role model (`staff.roles`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.staff import roles as staff_roles
from kyphoplan.staff.roles import Role

VIEW_CASES = frozenset({Role.SCHEDULER, Role.NURSE, Role.RADIOLOGIST, Role.ADMIN})
WORK_CASES = frozenset({Role.SCHEDULER, Role.NURSE, Role.ADMIN})
REVIEW_PLANS = frozenset({Role.NURSE, Role.RADIOLOGIST})
# A plan with premedication (prescription drugs for a contrast allergy) is the radiologist's order.
SIGN_PREMEDICATION = frozenset({Role.RADIOLOGIST})
BOOK = frozenset({Role.SCHEDULER, Role.NURSE, Role.ADMIN})
MANAGE_ROOMS = frozenset({Role.ADMIN})


def has_role(user: Any, allowed: frozenset[Role]) -> bool:
    return staff_roles.has_role(user, allowed)


def require(user: Any, allowed: frozenset[Role], *, ip: str | None, what: str) -> None:
    if not has_role(user, allowed):
        record(user, Action.DENIED, ip=ip, object_type="case", detail={"tried": what})
        raise PermissionDenied
