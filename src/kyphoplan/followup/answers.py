"""A patient answers a check-in: validate, score, compare with the baseline, raise red flags.

Red flags (new severe pain, a fall, fever, new leg weakness) raise a StaffAlert and an email
to the follow-up inbox in the same transaction: the nurse sees it at once on the worklist.
The free-text answer ("questions for the team") is read for red-flag words too (red_flags.py),
and raises the same alert.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases.models import Case
from kyphoplan.followup import tally
from kyphoplan.followup.instruments import Answer, Instrument, Item, for_timepoint
from kyphoplan.followup.models import CheckIn, CheckInStatus, StaffAlert
from kyphoplan.followup.red_flags import reasons as word_flags
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.followup.wording import alert_email
from kyphoplan.outbox.delivery import enqueue
from kyphoplan.web.env import env_str
from kyphoplan.web.practice import get_practice

OPEN = (CheckInStatus.SCHEDULED, CheckInStatus.SENT, CheckInStatus.NO_CHANNEL)
MCID_POINTS = 2  # NRS, Ostelo 2008 (REFERENCE §13)
MCID_SHARE = 0.30  # or 30% from baseline


class AnswerError(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


class CheckInClosed(RuntimeError):
    pass


def followup_inbox() -> str:
    return env_str("KYPHOPLAN_FOLLOWUP_INBOX", get_practice().scheduling_inbox)


def _read(item: Item, raw: str) -> Answer | None:
    raw = raw.strip()
    if raw == "":
        return None
    if item.type == "integer":
        value = int(raw)  # ValueError → caller
        if item.low is not None and item.high is not None and not item.low <= value <= item.high:
            raise ValueError
        return value
    if item.type == "boolean":
        if raw not in ("yes", "no"):
            raise ValueError
        return raw == "yes"
    if item.type == "choice":
        if raw not in {code for code, _ in item.options}:
            raise ValueError
        return raw
    return raw[:1000]


def parse_answers(instruments: list[Instrument], form: dict[str, str]) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    problems: dict[str, str] = {}
    for inst in instruments:
        for item in inst.items:
            try:
                value = _read(item, form.get(item.link_id, ""))
            except ValueError:
                problems[item.link_id] = "invalid"
                continue
            if value is None:
                if item.required:
                    problems[item.link_id] = "required"
                continue
            answers[item.link_id] = value
    if problems:
        raise AnswerError(problems)
    return answers


def raise_alert(case: Case, reasons: list[str], *, now: datetime, checkin: CheckIn | None = None) -> StaffAlert:
    """A patient to call: on the worklist at once, and an email to the follow-up inbox (the case
    reference and the reasons, never the patient's name or words). Call inside the transaction."""
    alert = StaffAlert.objects.create(case=case, checkin=checkin, reasons=reasons, raised_at=now)
    alert_inbox(case.reference, reasons, now=now)
    return alert


def alert_inbox(reference: str, reasons: list[str], *, now: datetime) -> None:
    subject, body = alert_email(reference, reasons, settings.BASE_URL + reverse("followup:worklist"))
    enqueue(kind="followup-red-flag", to=followup_inbox(), subject=subject, body=body, now=now)


def _written(instruments: list[Instrument], answers: dict[str, Answer]) -> str:
    return "\n".join(str(answers[i.link_id]) for inst in instruments for i in inst.items
                     if i.type not in ("integer", "boolean", "choice") and isinstance(answers.get(i.link_id), str))


def mcid(baseline: int, now: int) -> bool:
    change = baseline - now
    return change >= MCID_POINTS or (baseline > 0 and change / baseline >= MCID_SHARE)


def answer_checkin(checkin: CheckIn, form: dict[str, str], *, now: datetime) -> CheckIn:
    instruments = for_timepoint(TimePoint(checkin.timepoint))
    answers = parse_answers(instruments, form)
    scores = {f"{i.id}/{k}": v for i in instruments for k, v in i.score(answers).items()}
    flags = [f for i in instruments for f in i.flags(answers)]
    flags += [f for f in word_flags(_written(instruments, answers), where="the written answer") if f not in flags]
    pain = answers.get("pain_now")
    pain_now = int(pain) if isinstance(pain, int) and not isinstance(pain, bool) else None
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().select_related("case").get(pk=checkin.pk)
        if locked.status not in OPEN or now >= locked.closes_at:
            raise CheckInClosed
        base = CheckIn.objects.filter(case=locked.case, timepoint=TimePoint.BASELINE,
                                      status=CheckInStatus.ANSWERED).values("pain_now", "answers").first()
        change = reached = bed_change = None
        if locked.timepoint != TimePoint.BASELINE and base is not None:
            if base["pain_now"] is not None and pain_now is not None:
                change, reached = base["pain_now"] - pain_now, mcid(base["pain_now"], pain_now)
            bed_before, bed_now = base["answers"].get("bed_days"), answers.get("bed_days")
            if isinstance(bed_before, int) and isinstance(bed_now, int):
                bed_change = bed_before - bed_now
        CheckIn.objects.filter(pk=locked.pk).update(
            status=CheckInStatus.ANSWERED, answered_at=now, answers=answers, scores=scores, pain_now=pain_now,
            pain_change=change, reached_mcid=reached, bed_days_change=bed_change, red_flags=flags, language=locked.language or locked.case.language)
        if locked.status == CheckInStatus.SCHEDULED:
            tally.asked(TimePoint(locked.timepoint))  # answered before it was sent (a link shown by staff)
        tally.answered(TimePoint(locked.timepoint), pain_now=pain_now, change=change, reached=reached,
                       bed_change=bed_change)
        record(None, Action.CREATE, ip=None, object_type="checkin", object_id=locked.pk, at=now, username="patient",
               detail={"timepoint": locked.timepoint, "red_flags": len(flags)})
        if flags:
            raise_alert(locked.case, flags, now=now, checkin=locked)
    locked.refresh_from_db()
    return locked
