"""Exactly what the patient is shown now, as data: the plan page's steps and medicine list,
the reminders that go out and the calendar file, all from the one rendering
(patient.documents.patient_plan: the latest signed version with its overrides)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kyphoplan.cases.models import Case
from kyphoplan.patient.documents import ics_bytes, patient_plan
from kyphoplan.plans.services import latest_signed
from kyphoplan.reminders.models import Reminder, ReminderStatus

SHOWN = (ReminderStatus.SCHEDULED, ReminderStatus.CLAIMED, ReminderStatus.SENDING, ReminderStatus.SENT,
         ReminderStatus.IN_DOUBT)


class PatientViewMissing(LookupError):
    """Nothing has been signed: the patient has no plan to follow yet."""


def patient_view(case: Case, *, now: datetime) -> dict[str, Any]:
    if latest_signed(case) is None:
        raise PatientViewMissing("no version of this plan is signed yet")
    pp = patient_plan(case)
    steps = [{"code": item.code, "drug": item.drug, "due": item.at.isoformat() if item.at else None,
              "text": item.text, "title": item.summary}
             for day in pp.days for item in day.items] + [
             {"code": item.code, "drug": item.drug, "due": None, "text": item.text, "title": item.summary}
             for item in pp.undated]
    medicines = [{"input": line, "drug": drug or None, "instruction": what}
                 for (line, what), drug in zip(pp.medicines, pp.medicine_drugs, strict=True)]
    reminders = []
    if pp.version is not None:
        rows = Reminder.objects.filter(case=case, plan_version=pp.version, status__in=SHOWN).order_by("send_at", "id")
        reminders = [{"send_at": r.send_at.isoformat(), "channel": r.channel, "code": r.kind, "drug": r.drug or None,
                      "subject": r.subject, "text": r.body, "status": r.status} for r in rows]
    return {
        "version": pp.version.number if pp.version else None,
        # A newer version waits for a signature: the patient is told the plan is being updated
        # and shown no medicine changes until it is signed.
        "updating": pp.updating,
        "language": case.language,
        "steps": steps,
        "medicines": medicines,
        "reminders": reminders,
        "calendar": ics_bytes(pp, now=now).decode("utf-8"),
    }
