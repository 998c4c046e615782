"""A later change of medicines, labs or date makes a new version that needs a new signature."""

from datetime import timedelta

from kyphoplan.pathway.services import book, recompute, save_intake, set_labs
from kyphoplan.patient.documents import patient_plan
from kyphoplan.plans.services import changes_since_signed, latest, latest_signed
from kyphoplan.reminders.models import Reminder, ReminderStatus
from tests.pathway.fixtures import MARIA_INTAKE, NOW, START, sign_all


def _signed_and_booked(case, nora, sam, rooms):
    v1 = latest(case)
    sign_all(nora, v1, NOW)
    book(sam, case, room=rooms["room1"], start=START, ip=None, now=NOW)
    case.refresh_from_db()
    return v1


def test_it_makes_version_one_from_the_submitted_intake(maria_submitted):
    v1 = latest(maria_submitted)
    assert v1.number == 1 and not v1.signed
    assert v1.facts["procedure"]["start"] == START.isoformat()
    assert v1.ruleset_version == v1.plan["ruleset_version"] and "sir-2019" in v1.ruleset_version
    codes = {a["code"] for a in v1.plan["actions"]}
    assert {"stop-medication", "consult-prescriber", "bring-medication-list"} <= codes
    assert maria_submitted.status == "review"


def test_it_keeps_the_signed_plan_when_booked_at_the_provisional_time(maria_submitted, nora, sam, rooms):
    v1 = _signed_and_booked(maria_submitted, nora, sam, rooms)
    assert latest(maria_submitted).pk == v1.pk and maria_submitted.status == "scheduled"
    assert Reminder.objects.filter(case=maria_submitted, status=ReminderStatus.SCHEDULED).exists()
    assert patient_plan(maria_submitted).version.pk == v1.pk


def test_it_replans_a_rescheduled_procedure_and_waits_for_a_new_signature(maria_submitted, nora, sam, rooms):
    v1 = _signed_and_booked(maria_submitted, nora, sam, rooms)
    old_keys = set(Reminder.objects.filter(case=maria_submitted).values_list("key", flat=True))
    book(sam, maria_submitted, room=rooms["room2"], start=START + timedelta(days=2), ip=None, now=NOW)
    v2 = latest(maria_submitted)
    assert v2.number == 2 and not v2.signed and latest_signed(maria_submitted).pk == v1.pk
    changes = {(c.kind, c.what, c.key) for c in changes_since_signed(v2)}
    assert ("changed", "procedure", "start") in changes
    assert ("changed", "action", "stop-medication:clopidogrel") in changes
    # Nothing goes out and the patient sees no medication changes until v2 is signed.
    assert not Reminder.objects.filter(case=maria_submitted, status=ReminderStatus.SCHEDULED).exists()
    shown = patient_plan(maria_submitted)
    assert shown.version is None and shown.updating and shown.medicines == []
    sign_all(nora, v2, NOW)
    live = set(Reminder.objects.filter(case=maria_submitted, status=ReminderStatus.SCHEDULED)
               .values_list("key", flat=True))
    assert live and not live & old_keys
    assert patient_plan(maria_submitted).version.pk == v2.pk


def test_it_replans_when_medicines_or_labs_change_but_not_for_nothing(maria_submitted, nora, sam, rooms):
    _signed_and_booked(maria_submitted, nora, sam, rooms)
    assert recompute(nora, maria_submitted, now=NOW + timedelta(hours=1), ip=None) is None
    answers = {**MARIA_INTAKE, "medicines": [*MARIA_INTAKE["medicines"], {"text": "Eliquis 5 mg twice a day"}]}
    save_intake(maria_submitted, answers, acting_user=nora, ip=None, now=NOW)
    v2 = latest(maria_submitted)
    assert v2.number == 2
    assert not Reminder.objects.filter(case=maria_submitted, status=ReminderStatus.SCHEDULED).exists()
    assert ("added", "medication", "Eliquis 5 mg twice a day") in {
        (c.kind, c.what, c.key) for c in changes_since_signed(v2)}
    assert set_labs(nora, maria_submitted, {"creatinine_clearance": 40.0}, ip=None, now=NOW).version.number == 3
    assert recompute(nora, maria_submitted, now=NOW, ip=None) is None


def test_it_shows_the_clinician_what_the_intake_said_beyond_the_facts(maria_submitted, nora, verified, client):
    save_intake(maria_submitted, {**MARIA_INTAKE, "kidney": "yes", "insulin": True}, acting_user=nora, ip=None,
                 now=NOW)
    verified(nora)
    page = client.get(f"/staff/cases/{maria_submitted.pk}/plan/").content.decode()
    assert "Kidney disease reported" in page and "Uses insulin." in page and "Going home with: Luis, son" in page
