"""Reminders, the calendar and the page from one signed, booked plan (Maria, Spanish), through
the pathway's verbs: what Nora changes reaches every channel as the same step."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import icalendar

from kyphoplan.pathway.services import add_override, book, save_intake, submit_intake
from kyphoplan.patient.documents import ics_bytes, patient_plan
from kyphoplan.plans.models import OverlayKind
from kyphoplan.plans.services import latest
from kyphoplan.reminders.models import Reminder, ReminderStatus
from tests.pathway.fixtures import LA, MARIA_INTAKE, NOW, START, sign_all

NURSE_WORDS = "Tome su última dosis de apixabán (Eliquis) el martes a las 8 de la noche. Luego no lo tome más."


def _intake(case, medicines):
    answers = {**MARIA_INTAKE, "medicines": [{"text": m, "unsure": False} for m in medicines]}
    save_intake(case, answers, acting_user=None, ip=None, now=NOW)
    submit_intake(case, acting_user=None, ip=None, now=NOW)
    case.refresh_from_db()
    return latest(case)


def _live(case):
    return list(Reminder.objects.filter(case=case, status=ReminderStatus.SCHEDULED).order_by("send_at"))


def _calendar(case):
    cal = icalendar.Calendar.from_ical(ics_bytes(patient_plan(case), now=NOW))
    return [(str(e["summary"]), e["dtstart"].dt) for e in cal.walk("VEVENT")]


def test_it_keeps_a_replaced_stop_line_a_timed_last_dose_reminder_named_for_its_drug(maria_case, nora, sam, rooms):
    v1 = _intake(maria_case, ["Eliquis 5 mg twice a day", "warfarin 5 mg daily"])
    stop = next(a for a in v1.plan["actions"] if a["code"] == "stop-medication" and a["drug"] == "apixaban")
    evening = datetime.combine(datetime.fromisoformat(stop["due"]).astimezone(LA).date() - timedelta(days=2),
                               time(20, 0), tzinfo=LA)
    add_override(nora, v1, kind=OverlayKind.REPLACE, code="stop-medication", drug="apixaban",
                 texts={"es": NURSE_WORDS, "en": "Take your last Eliquis on Tuesday at 8 PM."}, due=evening,
                 reason="she takes it in the evening", ip=None, now=NOW)
    sign_all(nora, v1, NOW)
    book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=NOW)

    live = _live(maria_case)
    assert not [r for r in live if r.kind == "care-team-note"], [r.kind for r in live]
    apixaban = [r for r in live if r.drug == "apixaban"]
    assert apixaban and {r.kind for r in apixaban} == {"last-dose"}
    # Timed by Nora's own moment: an hour before the 8 PM dose, not at once, not another day.
    assert {r.send_at.astimezone(LA) for r in apixaban} == {evening - timedelta(hours=1)}
    assert {r.event_at.astimezone(LA) for r in apixaban} == {evening}
    for r in apixaban:
        assert "apixabán" in r.subject and NURSE_WORDS in r.body, (r.subject, r.body)
        assert "último día para tomar" not in r.body  # her words, not the engine's
    # The unedited warfarin line keeps its morning reminder on its last-dose day.
    assert {r.kind for r in live if r.drug == "warfarin"} == {"last-dose"}

    events = _calendar(maria_case)
    assert [t for t, at in events if at == evening and "apixabán" in t.lower()], events
    assert "De su equipo de atención" not in dict(events)
    page = patient_plan(maria_case)
    items = [i for d in page.days for i in d.items if i.drug == "apixaban" and i.code == "clinician-instruction"]
    assert [(i.text, i.summary, i.at) for i in items] == [(NURSE_WORDS, "Apixabán: de su equipo de atención", evening)]


PREMED_INTAKE = {**MARIA_INTAKE, "insulin": True,
                 "allergies": [{"substance": "contrast dye (X-ray)", "reaction": "hives and trouble breathing"}]}


def test_it_reminds_of_timed_premedication_and_insulin_doses_outside_quiet_hours(maria_case, rita, sam, rooms):
    answers = {**PREMED_INTAKE, "medicines": [{"text": "NPH insulin 20 units every morning", "unsure": False}]}
    save_intake(maria_case, answers, acting_user=None, ip=None, now=NOW)
    submit_intake(maria_case, acting_user=None, ip=None, now=NOW)
    v1 = latest(maria_case)
    premeds = sorted(datetime.fromisoformat(a["due"]).astimezone(LA) for a in v1.plan["actions"]
                     if a["code"] == "take-premedication")
    changes = [a for a in v1.plan["actions"] if a["code"] == "adjust-dose"]
    night = [at for at in premeds if at.hour < 8]
    assert premeds[0].hour >= 18 and night and changes  # an evening dose, a night dose, an insulin change
    sign_all(rita, v1, NOW)  # premedication is the radiologist's to sign
    book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=NOW)

    live = _live(maria_case)
    for r in live:  # nothing is sent between 9 PM and 8 AM
        assert time(8, 0) <= r.send_at.astimezone(LA).time() <= time(21, 0), (r.kind, r.send_at)
    premed = [r for r in live if r.kind == "premedication"]
    assert {r.channel for r in premed} == {"email", "sms"}  # one message per channel for the whole regimen
    for r in premed:
        assert r.send_at.astimezone(LA) == premeds[0] - timedelta(hours=1)  # before the first dose
        for at in premeds:  # every dose time, the night one too, in Spanish
            assert f"{at.hour % 12 or 12}:00 {'a. m.' if at.hour < 12 else 'p. m.'}" in r.body, r.body
        assert "prednisona" in r.body
        assert "difenhidramina y prednisona" in r.body and "diphenhydramine" not in r.body and "alarma" in r.body
    dose = [r for r in live if r.kind == "dose-change"]
    assert dose and all("insulina NPH" in r.body for r in dose), [r.body for r in dose]
    first_change = min(datetime.fromisoformat(a["due"]) for a in changes).astimezone(LA)
    assert min(r.send_at for r in dose).astimezone(LA) < first_change


def test_it_warns_staff_plainly_when_no_reminder_channel_is_on(maria_case, nora, sam, rooms, verified, client):
    """Maria gave no consent to email or texts on the call-back; Sam adds her email later but
    leaves reminders off. Her signed, booked plan has last doses: the case page and the booking
    confirmation say that nothing will remind her, and how to switch a channel on."""
    from django.utils import timezone

    from tests.pathway.fixtures import future_monday

    start = future_monday()
    maria_case.target_start, maria_case.email_reminders, maria_case.sms_reminders = start, False, False
    maria_case.save()
    now = timezone.now()
    save_intake(maria_case, MARIA_INTAKE, acting_user=None, ip=None, now=now)
    submit_intake(maria_case, acting_user=None, ip=None, now=now)
    sign_all(nora, latest(maria_case), now)

    verified(sam)
    booked = client.post(f"/staff/cases/{maria_case.pk}/book/",
                         {"room": rooms["room1"].pk, "start": start.isoformat()}, follow=True)
    page = booked.content.decode()
    assert "Booked." in page and not _live(maria_case)
    warning = "No reminders will go out"
    assert page.count(warning) >= 2, page  # the confirmation, and the case page it lands on
    assert "last doses" in page and "Edit case" in page and f"/staff/cases/{maria_case.pk}/edit/" in page

    maria_case.email_reminders = True  # Maria agrees on the phone; Sam ticks the box
    maria_case.save()
    assert warning not in client.get(f"/staff/cases/{maria_case.pk}/").content.decode()
