"""Check-ins go out through the reminders outbox, are answered on a plain page, and red flags
reach staff at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kyphoplan.followup.answers import AnswerError, answer_checkin
from kyphoplan.followup.dispatch import dispatch_due_checkins
from kyphoplan.followup.links import checkin_url, make_token, read_token
from kyphoplan.followup.models import CheckIn, CheckInStatus, StaffAlert
from kyphoplan.followup.timepoints import TimePoint
from kyphoplan.outbox.models import OutboxMessage
from kyphoplan.reminders.models import Reminder, ReminderChannel
from tests.pathway.fixtures import START

pytestmark = pytest.mark.django_db
FULL = {"pain_now": "3", "pain_worst": "5", "bed_days": "1", "walking": "walk-aid", "daily": "daily-most",
        "medicine": "med-less", "new_pain": "no", "fall": "no", "fever": "no", "leg_weakness": "no", "questions": ""}
BASELINE = {"pain_now": "8", "pain_worst": "9", "bed_days": "9", "walking": "walk-helper", "daily": "daily-few",
            "medicine": "med-more"}


def _row(case: Any, point: TimePoint) -> CheckIn:
    return CheckIn.objects.get(case=case, timepoint=point)


def test_it_signs_links_so_a_changed_id_opens_nothing() -> None:
    token = make_token(41)
    assert read_token(token) == 41
    assert read_token("42" + token[2:]) is None
    assert read_token("41-short") is None


def test_it_texts_the_baseline_inside_the_window_with_a_short_plain_body(booked: Any) -> None:
    baseline = _row(booked, TimePoint.BASELINE)
    counts = dispatch_due_checkins(baseline.due_at)
    assert counts.get("sent") == 1
    sms = Reminder.objects.get(case=booked, kind="checkin-link")
    assert sms.channel == ReminderChannel.SMS and sms.to == "+14155550132"
    assert len(sms.body) <= 160, sms.body
    assert "STOP" in sms.body and "clopidogrel" not in sms.body.lower() and "plavix" not in sms.body.lower()
    assert checkin_url(baseline.pk, "es") in sms.body
    local = sms.send_at.astimezone(START.tzinfo)
    assert 9 <= local.hour < 20


def test_it_scores_against_the_baseline_and_marks_the_mcid(booked: Any) -> None:
    base = _row(booked, TimePoint.BASELINE)
    answer_checkin(base, BASELINE, now=base.due_at + timedelta(hours=1))
    month = _row(booked, TimePoint.MONTH_1)
    done = answer_checkin(month, FULL, now=month.due_at + timedelta(hours=2))
    assert (done.pain_now, done.pain_change, done.reached_mcid, done.bed_days_change) == (3, 5, True, 8)
    assert done.scores["kyphoplan-nrs-pain/pain_now"] == 3.0
    assert done.red_flags == [] and not StaffAlert.objects.exists()


def test_it_refuses_missing_or_out_of_range_answers_and_keeps_the_check_in_open(booked: Any) -> None:
    row = _row(booked, TimePoint.MONTH_1)
    with pytest.raises(AnswerError) as caught:
        answer_checkin(row, {**FULL, "pain_now": "11", "fever": ""}, now=row.due_at)
    assert caught.value.problems == {"pain_now": "invalid", "fever": "required"}
    row.refresh_from_db()
    assert row.status == CheckInStatus.SCHEDULED


def test_it_raises_a_red_flag_to_staff_at_once(booked: Any) -> None:
    row = _row(booked, TimePoint.DAY_7)
    answer_checkin(row, {**FULL, "fever": "yes", "leg_weakness": "yes"}, now=row.due_at)
    alert = StaffAlert.objects.get(case=booked)
    assert alert.reasons == ["Fever or chills", "New leg weakness or numbness"]
    mail = OutboxMessage.objects.get(kind="followup-red-flag")
    assert booked.reference in mail.subject and "Fever or chills" in mail.body
    assert booked.patient_name not in mail.body  # the reference, not the name


def test_it_shows_the_page_in_spanish_and_takes_answers_without_javascript(booked: Any, client: Any, clock: Any) -> None:
    row = _row(booked, TimePoint.DAY_7)
    clock.move_to(row.due_at + timedelta(hours=1))
    url = f"/es/f/{make_token(row.pk)}/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "¿Cuánto le duele la espalda ahora?" in text and "<script" not in text
    bad = client.post(url, {"pain_now": "4"})
    assert bad.status_code == 400 and "Por favor" in bad.content.decode()
    done = client.post(url, {"pain_now": "4", "pain_worst": "6", "new_pain": "no", "fall": "yes", "fever": "no",
                             "leg_weakness": "no"})
    assert done.status_code == 200 and "Le llamaremos" in done.content.decode()
    assert client.get(url).status_code == 410
    assert client.get(f"/es/f/{row.pk}-{'x' * 22}/").status_code == 404


def test_it_marks_unanswered_check_ins_missed_after_their_window(booked: Any) -> None:
    row = _row(booked, TimePoint.MONTH_1)
    dispatch_due_checkins(row.due_at)
    dispatch_due_checkins(row.closes_at + timedelta(minutes=1))
    row.refresh_from_db()
    assert row.status == CheckInStatus.MISSED


def test_it_asks_nothing_once_the_procedure_is_cancelled(booked: Any, sam: Any) -> None:
    from kyphoplan.booking.services import active_booking
    from kyphoplan.pathway.services import cancel_booking

    booking = active_booking(booked)
    assert booking is not None
    cancel_booking(sam, booking, ip=None, now=booking.start - timedelta(days=10))
    row = _row(booked, TimePoint.BASELINE)
    assert dispatch_due_checkins(row.due_at).get("cancelled") == 1
    assert not Reminder.objects.filter(case=booked, kind="checkin-link").exists()


def test_it_asks_for_a_number_in_range_when_the_days_in_bed_are_too_many(booked: Any, client: Any, clock: Any) -> None:
    """An outside tester typed 20 days in bed (of 14) and was told to "choose one of the answers"."""
    row = _row(booked, TimePoint.MONTH_1)
    clock.move_to(row.due_at + timedelta(hours=1))
    url = f"/es/f/{make_token(row.pk)}/"
    bad = client.post(url, {**FULL, "bed_days": "20"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "Por favor, escriba un número del 0 al 14." in text
    assert "elija una de las respuestas" not in text
