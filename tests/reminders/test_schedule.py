from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kyphoplan.plans.effective import Line
from kyphoplan.reminders.schedule import (
    Kind,
    QuietHours,
    Recipient,
    backoff,
    place,
    plan_reminders,
)

LA = ZoneInfo("America/Los_Angeles")
ARRIVE = datetime(2026, 12, 14, 7, 0, tzinfo=LA)
MARIA = Recipient(language="es", email="maria@example.org", phone="+15550101234", sms_ok=True)


def _line(code, due, drug=None, last=None, audience="patient"):
    return Line(code=code, drug=drug, due=due, last_dose_date=last, text="", audience=audience,
                source="", rule="", requires_review=False)


LINES = [
    _line("consult-prescriber", datetime(2026, 12, 7, 0, 0, tzinfo=LA), "clopidogrel"),
    _line("consult-prescriber", datetime(2026, 12, 7, 0, 0, tzinfo=LA), "apixaban"),
    _line("stop-medication", datetime(2026, 12, 9, 0, 0, tzinfo=LA), "clopidogrel", date(2026, 12, 8)),
    _line("stop-medication", datetime(2026, 12, 12, 8, 0, tzinfo=LA), "apixaban", date(2026, 12, 11)),
    _line("fasting-start", datetime(2026, 12, 14, 0, 0, tzinfo=LA)),
    _line("platelet-check", datetime(2026, 12, 10, 0, 0, tzinfo=LA), audience="clinician"),
]


def test_it_derives_one_reminder_per_moment_and_channel():
    now = datetime(2026, 12, 1, 10, 0, tzinfo=LA)
    specs = plan_reminders("KP-1", LINES, arrive=ARRIVE, zone=LA, recipient=MARIA, quiet=QuietHours(), now=now)
    by_kind = {(s.kind, s.drug, s.channel): s.send_at.astimezone(LA) for s in specs}
    assert by_kind[(Kind.CONSULT, None, "email")] == datetime(2026, 12, 5, 10, 0, tzinfo=LA)
    assert by_kind[(Kind.LAST_DOSE, "clopidogrel", "sms")] == datetime(2026, 12, 8, 9, 0, tzinfo=LA)
    assert by_kind[(Kind.LAST_DOSE, "apixaban", "email")] == datetime(2026, 12, 11, 9, 0, tzinfo=LA)
    assert by_kind[(Kind.FASTING, None, "sms")] == datetime(2026, 12, 13, 18, 0, tzinfo=LA)
    # Two hours before a 7:00 arrival is inside quiet hours: sent the evening before instead.
    assert by_kind[(Kind.ARRIVAL, None, "email")] == datetime(2026, 12, 13, 20, 30, tzinfo=LA)
    assert len(specs) == 10 and len({s.key for s in specs}) == 10


def test_it_sends_nothing_to_a_patient_who_opted_out():
    now = datetime(2026, 12, 1, 10, 0, tzinfo=LA)
    out = Recipient(language="en", email="maria@example.org", opted_out=True)
    assert plan_reminders("KP-1", LINES, arrive=ARRIVE, zone=LA, recipient=out, quiet=QuietHours(), now=now) == []


def test_it_keeps_the_same_key_when_the_plan_is_signed_again():
    now = datetime(2026, 12, 1, 10, 0, tzinfo=LA)
    a = plan_reminders("KP-1", LINES, arrive=ARRIVE, zone=LA, recipient=MARIA, quiet=QuietHours(), now=now)
    b = plan_reminders("KP-1", LINES, arrive=ARRIVE, zone=LA, recipient=MARIA, quiet=QuietHours(),
                       now=now + timedelta(hours=3))
    assert [s.key for s in a] == [s.key for s in b]


def test_it_drops_reminders_whose_moment_has_passed_and_sends_late_ones_now():
    now = datetime(2026, 12, 8, 12, 0, tzinfo=LA)  # after the clopidogrel morning, before its evening
    specs = plan_reminders("KP-1", LINES, arrive=ARRIVE, zone=LA, recipient=MARIA, quiet=QuietHours(), now=now)
    kinds = {(s.kind, s.drug) for s in specs}
    assert (Kind.CONSULT, None) not in kinds
    late = [s for s in specs if s.drug == "clopidogrel"]
    assert late and all(s.send_at == now.astimezone(UTC) for s in late)


def test_it_moves_a_quiet_hours_time_to_the_morning_when_the_deadline_allows():
    quiet = QuietHours(start=time(21, 0), end=time(8, 0))
    now = datetime(2026, 12, 1, 10, 0, tzinfo=LA)
    late_evening = datetime(2026, 12, 3, 22, 0, tzinfo=LA)
    assert place(late_evening, datetime(2026, 12, 5, 0, 0, tzinfo=LA), quiet, now) == datetime(2026, 12, 4, 8, 0, tzinfo=LA)


def test_it_keeps_local_times_across_the_spring_change():
    lines = [_line("stop-medication", datetime(2027, 3, 15, 0, 0, tzinfo=LA), "clopidogrel", date(2027, 3, 14))]
    specs = plan_reminders("KP-2", lines, arrive=datetime(2027, 3, 20, 7, 0, tzinfo=LA), zone=LA,
                           recipient=MARIA, quiet=QuietHours(), now=datetime(2027, 3, 1, tzinfo=LA))
    morning = next(s for s in specs if s.kind == Kind.LAST_DOSE).send_at
    assert morning.astimezone(LA).time() == time(9, 0)  # 14 March 2027 is the change day
    assert morning == datetime(2027, 3, 14, 16, 0, tzinfo=UTC)


def test_it_backs_off_between_retries():
    assert [backoff(n) for n in (1, 2, 3, 4, 9)] == [timedelta(minutes=m) for m in (1, 5, 25, 120, 120)]


def test_it_lists_every_premedication_dose_in_one_message_before_the_first_and_never_at_night():
    eve = datetime(2026, 12, 13, 21, 0, tzinfo=LA)
    lines = [_line("take-premedication", eve, "prednisone"),
             _line("take-premedication", datetime(2026, 12, 14, 3, 0, tzinfo=LA), "prednisone"),
             _line("take-premedication", datetime(2026, 12, 14, 9, 0, tzinfo=LA), "diphenhydramine"),
             _line("take-premedication", datetime(2026, 12, 14, 9, 0, tzinfo=LA), "prednisone"),
             _line("adjust-dose", datetime(2026, 12, 14, 8, 0, tzinfo=LA), "insulin isophane"),
             _line("adjust-dose", datetime(2026, 12, 13, 21, 0, tzinfo=LA), "insulin glargine")]
    now = datetime(2026, 12, 1, 10, 0, tzinfo=LA)
    specs = plan_reminders("KP-1", lines, arrive=datetime(2026, 12, 14, 10, 0, tzinfo=LA), zone=LA,
                           recipient=MARIA, quiet=QuietHours(), now=now)
    premed = [s for s in specs if s.kind == Kind.PREMEDICATION]
    assert len(premed) == 2 and {s.channel for s in premed} == {"email", "sms"}  # one per channel
    assert {s.send_at.astimezone(LA) for s in premed} == {eve - timedelta(hours=1)}
    assert [at.astimezone(LA).hour for at, _ in premed[0].doses] == [21, 3, 9, 9]
    changes = sorted({(s.send_at.astimezone(LA), s.doses) for s in specs if s.kind == Kind.DOSE_CHANGE})
    # The evening glargine dose: an hour before. The 8 AM NPH change: 6 PM the evening before.
    assert [(at.hour, [d for _, d in doses]) for at, doses in changes] == [
        (18, ["insulin isophane"]), (20, ["insulin glargine"])]
    assert all(not QuietHours().contains(s.send_at.astimezone(LA)) for s in specs)
