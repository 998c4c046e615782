"""Audited reads of bone-health tracks and letters."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import roles
from kyphoplan.liaison.models import Letter, LiaisonTrack, StepState

ROWS = 200


def access_open_tracks(user: Any, *, ip: str | None) -> list[LiaisonTrack]:
    roles.require(user, roles.VIEW_CASES, ip=ip, what="bone-health list")
    rows = list(LiaisonTrack.objects.filter(steps__state=StepState.OPEN).distinct().select_related("case")
                .prefetch_related("steps").order_by("procedure_at")[:ROWS])
    record(user, Action.LIST, ip=ip, object_type="liaison", detail={"count": len(rows)})
    return rows


def access_track(user: Any, case_id: UUID | str, *, ip: str | None) -> LiaisonTrack:
    roles.require(user, roles.VIEW_CASES, ip=ip, what="bone-health track")
    track = LiaisonTrack.objects.select_related("case").get(case_id=case_id)
    record(user, Action.VIEW, ip=ip, object_type="liaison", object_id=track.pk)
    return track


def access_letter(user: Any, letter_id: int, *, ip: str | None, via: str = "console") -> Letter:
    roles.require(user, roles.VIEW_CASES, ip=ip, what="bone-health letter")
    letter = Letter.objects.select_related("track__case").get(pk=letter_id)
    record(user, Action.EXPORT, ip=ip, object_type="liaison_letter", object_id=letter.pk, detail={"via": via})
    return letter
