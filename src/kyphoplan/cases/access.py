"""Every staff read of cases goes through here and is audited."""

from __future__ import annotations

from typing import Any

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.cases.workflow import CaseStatus

PAGE_SIZE = 100


def access_cases(user: Any, *, status: str, ip: str | None) -> list[Case]:
    roles.require(user, roles.VIEW_CASES, ip=ip, what="case list")
    qs = Case.objects.select_related("owner").order_by("-created_at")
    if status == "open":
        qs = qs.exclude(status__in=[CaseStatus.CANCELLED, CaseStatus.FOLLOW_UP])
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs[:PAGE_SIZE])
    record(user, Action.LIST, ip=ip, object_type="case",
           detail={"count": len(rows), "ids": [str(r.pk) for r in rows], "status": status})
    return rows


def access_case(user: Any, case_id: object, *, ip: str | None, what: str = "case") -> Case:
    roles.require(user, roles.VIEW_CASES, ip=ip, what=what)
    case = Case.objects.select_related("owner", "callback").get(pk=case_id)
    record(user, Action.VIEW, ip=ip, object_type="case", object_id=case.pk, detail={"page": what})
    return case
