"""Reads of a case's candidacy: role-checked and audited (through cases.access), 404 when unknown."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404

from kyphoplan.candidacy.summary import Summary, summarize
from kyphoplan.cases.access import access_case
from kyphoplan.cases.models import Case


def access_candidacy(user: Any, case_id: UUID | str, *, ip: str | None, now: datetime, what: str = "candidacy") -> Summary:
    try:
        case = access_case(user, case_id, ip=ip, what=what)
    except (Case.DoesNotExist, ValidationError, ValueError):
        raise Http404("no such case") from None
    return summarize(case, as_of=now)
