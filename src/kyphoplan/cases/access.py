"""Every staff read of cases goes through here and is audited."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.cases.workflow import CaseStatus
from kyphoplan.web import keyset
from kyphoplan.web.textsearch import term as search_term

PAGE_SIZE = 100
LIST_ORDER = ("-created_at", "-id")  # newest first; the id breaks ties


def access_cases(user: Any, *, status: str, ip: str | None, search: str = "", after: str = "",
                 before: str = "") -> keyset.KeyPage[Case]:
    """One page of cases, newest first. A search (name, reference or phone; any case, any
    accent) looks through every status."""
    roles.require(user, roles.VIEW_CASES, ip=ip, what="case list")
    qs = Case.objects.select_related("owner")
    term = search_term(search)
    if term:
        qs = qs.filter(search_text__contains=term)
    elif status == "open":
        qs = qs.exclude(status__in=[CaseStatus.CANCELLED, CaseStatus.FOLLOW_UP])
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    try:
        found = keyset.page(qs, LIST_ORDER, size=PAGE_SIZE, after=after or None, before=before or None)
    except keyset.BadCursor:
        found = keyset.page(qs, LIST_ORDER, size=PAGE_SIZE)
    record(user, Action.SEARCH if term else Action.LIST, ip=ip, object_type="case",
           detail={"count": len(found.rows), "ids": [str(r.pk) for r in found.rows], "status": status,
                   "search": bool(term), "first_page": not (after or before)})
    return found


def access_case(user: Any, case_id: UUID | str, *, ip: str | None, what: str = "case") -> Case:
    roles.require(user, roles.VIEW_CASES, ip=ip, what=what)
    case = Case.objects.select_related("owner", "callback").get(pk=case_id)
    record(user, Action.VIEW, ip=ip, object_type="case", object_id=case.pk, detail={"page": what})
    return case
