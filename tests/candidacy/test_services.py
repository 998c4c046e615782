"""Rita reads Maria's imaging; the checklist gates the booking, in the service and the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction

from kyphoplan.audit.models import AuditEvent
from kyphoplan.booking import services as booking_services
from kyphoplan.booking.models import Booking
from kyphoplan.booking.slots import BookingRuleError
from kyphoplan.candidacy import services
from kyphoplan.candidacy.models import AppendOnlyError, Candidacy, LevelAssessment
from kyphoplan.candidacy.summary import summarize
from kyphoplan.clinical.payer_criteria import Outcome
from kyphoplan.pathway.services import book
from tests.candidacy.helpers import IP, MARIA_FACTS, NO_CONTRAINDICATION, read_maria
from tests.pathway.fixtures import NOW, START

pytestmark = pytest.mark.django_db


def test_it_grades_each_level_from_rita_s_heights(rita: Any, maria_case: Any) -> None:
    read_maria(rita, maria_case)
    t12 = LevelAssessment.objects.get(case=maria_case, level="T12")
    l1 = LevelAssessment.objects.get(case=maria_case, level="L1")
    assert (t12.grade, t12.morphology, str(t12.max_loss_percent)) == (2, "wedge", "37.5")
    assert (l1.grade, l1.morphology, str(l1.max_loss_percent)) == (1, "biconcave", "23.3")
    assert AuditEvent.objects.filter(object_type="candidacy", detail__level="T12").exists()


def test_it_codes_and_evaluates_maria_s_payer(rita: Any, maria_case: Any) -> None:
    read_maria(rita, maria_case)
    s = summarize(maria_case, as_of=NOW)
    assert [c.code for c in s.cpt] == ["22513", "22515"]
    assert s.diagnosis is not None and s.diagnosis.code == "M80.08XA"
    lcd = s.selected_payer
    assert lcd is not None and lcd.record.id == "medicare-lcd" and lcd.overall is Outcome.MET


def test_it_codes_drug_induced_osteoporosis_on_a_later_encounter(rita: Any, maria_case: Any) -> None:
    services.do_update_facts(rita, maria_case, values={"osteoporosis": "other", "encounter": "D"}, ip=IP, now=NOW)
    assert summarize(maria_case, as_of=NOW).diagnosis.code == "M80.88XD"  # type: ignore[union-attr]


def test_it_lets_no_scheduler_read_the_imaging(sam: Any, maria_case: Any) -> None:
    with pytest.raises(PermissionDenied):
        read_maria(sam, maria_case)


def test_it_blocks_booking_on_an_absolute_contraindication_until_rita_overrides(
        rita: Any, nora: Any, maria_submitted: Any, rooms: Any) -> None:
    read_maria(rita, maria_submitted)
    services.do_answer_checklist(rita, maria_submitted, answers={**NO_CONTRAINDICATION,
                                                                 "abs.coagulopathy": "present"}, ip=IP, now=NOW)
    assert Candidacy.objects.get(case=maria_submitted).booking_blocked
    with pytest.raises(BookingRuleError, match="absolute contraindication"):
        book(nora, maria_submitted, room=rooms["room1"], start=START, ip=IP, now=NOW)
    # Past the pathway, the booking app's own service: the database refuses the row.
    with pytest.raises(booking_services.SlotTaken):
        booking_services.book(nora, maria_submitted, room=rooms["room1"], start=START, ip=IP, now=NOW)
    assert not Booking.objects.filter(case=maria_submitted).exists()

    with pytest.raises(services.CandidacyError):
        services.do_override(rita, maria_submitted, item_id="abs.coagulopathy", reason=" ", ip=IP, now=NOW)
    with pytest.raises(PermissionDenied):  # a nurse cannot override
        services.do_override(nora, maria_submitted, item_id="abs.coagulopathy", reason="INR 1.3 today", ip=IP,
                             now=NOW)
    services.do_override(rita, maria_submitted, item_id="abs.coagulopathy",
                         reason="INR corrected to 1.3 with vitamin K; haematology agrees", ip=IP, now=NOW)
    assert not Candidacy.objects.get(case=maria_submitted).booking_blocked
    booking, _ = book(nora, maria_submitted, room=rooms["room1"], start=START, ip=IP, now=NOW)
    assert booking.pk


def test_it_overrides_only_a_present_absolute_contraindication(rita: Any, maria_case: Any) -> None:
    services.do_answer_checklist(rita, maria_case, answers=NO_CONTRAINDICATION, ip=IP, now=NOW)
    with pytest.raises(services.CandidacyError):
        services.do_override(rita, maria_case, item_id="abs.coagulopathy", reason="why not", ip=IP, now=NOW)
    with pytest.raises(services.CandidacyError):
        services.do_override(rita, maria_case, item_id="rel.pregnancy", reason="why not", ip=IP, now=NOW)


def test_the_database_refuses_a_booking_of_a_blocked_case(rita: Any, nora: Any, maria_case: Any,
                                                          rooms: Any) -> None:
    """Past the service: a direct insert (a script, a race) is refused by the database itself."""
    services.do_answer_checklist(rita, maria_case, answers={"abs.infection": "present"}, ip=IP, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(case=maria_case, room=rooms["room1"], levels=2, arrive=START, start=START,
                               end=START, discharge=START, created_at=NOW, created_by=nora)
    services.do_override(rita, maria_case, item_id="abs.infection", reason="discitis excluded on repeat MRI",
                         ip=IP, now=NOW)
    Booking.objects.create(case=maria_case, room=rooms["room1"], levels=2, arrive=START, start=START,
                           end=START, discharge=START, created_at=NOW, created_by=nora)


def test_the_database_refuses_to_reactivate_a_booking_of_a_blocked_case(rita: Any, nora: Any, maria_case: Any,
                                                                        rooms: Any) -> None:
    b = Booking.objects.create(case=maria_case, room=rooms["room1"], levels=2, arrive=START, start=START,
                               end=START, discharge=START, created_at=NOW, created_by=nora, status="cancelled")
    services.do_answer_checklist(rita, maria_case, answers={"abs.improving": "present"}, ip=IP, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=b.pk).update(status="active")


def test_it_signs_the_checklist_with_the_plan_version(rita: Any, maria_submitted: Any) -> None:
    read_maria(rita, maria_submitted)
    with pytest.raises(services.CandidacyError, match="not assessed"):
        services.do_sign_checklist(rita, maria_submitted, ip=IP, now=NOW)
    services.do_answer_checklist(rita, maria_submitted, answers={**NO_CONTRAINDICATION, "rel.pregnancy": "absent"},
                                 ip=IP, now=NOW)
    signoff = services.do_sign_checklist(rita, maria_submitted, ip=IP, now=NOW)
    assert signoff.plan_version is not None and signoff.plan_version.number == 1
    assert signoff.snapshot["cpt"] == [{"code": "22513", "level": "T12"}, {"code": "22515", "level": "L1"}]
    assert signoff.snapshot["payers"]["medicare-lcd"]["overall"] == "met"
    with pytest.raises(AppendOnlyError):
        signoff.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:  # the database too
        cursor.execute("UPDATE candidacy_checklistsignoff SET checklist_version = 'x' WHERE id = %s", [signoff.pk])


def test_it_keeps_payer_edits_append_only_with_a_reason(alex: Any, rita: Any, maria_case: Any) -> None:
    from kyphoplan.clinical.payer_criteria import shipped_records

    raw = shipped_records()["commercial-bcbs-style"]
    raw["criteria"][0]["weeks"] = 8
    with pytest.raises(PermissionDenied):
        services.do_change_payer_criteria(rita, record_id="commercial-bcbs-style", raw=raw, reason="contract",
                                          ip=IP, now=NOW)
    with pytest.raises(services.CandidacyError):
        services.do_change_payer_criteria(alex, record_id="commercial-bcbs-style", raw=raw, reason="", ip=IP,
                                          now=NOW)
    services.do_change_payer_criteria(alex, record_id="commercial-bcbs-style", raw=raw,
                                      reason="2027 contract: 8 weeks", ip=IP, now=NOW)
    services.do_update_facts(rita, maria_case, values={**MARIA_FACTS, "payer_record": "commercial-bcbs-style"},
                             ip=IP, now=NOW)
    chosen = summarize(maria_case, as_of=NOW).selected_payer
    assert chosen is not None and chosen.overall is Outcome.NOT_MET and chosen.edited is not None
