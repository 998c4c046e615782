"""The bone-health track: steps, staff reminders until closed, the letter (PDF and FHIR)."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from typing import Any

import pytest

from kyphoplan.liaison.fhir import communication, document_reference
from kyphoplan.liaison.models import LetterKind, Step, StepState
from kyphoplan.liaison.services import close_step, remind_open_steps, write_letter
from kyphoplan.outbox.models import OutboxMessage
from tests.pathway.fixtures import START

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_it_reminds_staff_until_every_step_is_closed(booked: Any, nora: Any) -> None:
    track = booked.liaison
    assert remind_open_steps(START) == 0  # not before a week after the procedure
    first = START + timedelta(days=7)
    assert remind_open_steps(first) == 1
    mail = OutboxMessage.objects.get(kind="liaison-reminder")
    assert "Bone density scan (DXA) referral made" in mail.body and booked.reference in mail.subject
    assert remind_open_steps(first + timedelta(days=1)) == 0  # every 14 days, not every run
    for step in Step:
        close_step(nora, track, step, StepState.DONE, ip=None, now=first + timedelta(days=2))
    track.refresh_from_db()
    assert track.next_reminder_at is None
    assert remind_open_steps(first + timedelta(days=60)) == 0


def test_it_writes_the_letter_with_what_the_reference_lists(booked: Any, nora: Any) -> None:
    letter = write_letter(nora, booked.liaison, ip=None, now=START + timedelta(days=10))
    assert letter.kind == LetterKind.REQUEST
    text = pdf_text(bytes(letter.pdf))
    for part in ("DXA", "Serum calcium", "CBC", "eGFR", "Alkaline phosphatase", "TSH", "25-OH vitamin D",
                 "protein electrophoresis", "vitamin D supplementation", "falls", "alendronate or risedronate",
                 "zoledronic acid or denosumab", booked.patient_name, "T12, L1"):
        assert part in text, part
    assert booked.liaison.steps.get(step=Step.PCP_LETTER).state == StepState.DONE


def test_it_writes_a_letter_when_the_patient_declines_treatment(booked: Any, nora: Any) -> None:
    now = START + timedelta(days=20)
    close_step(nora, booked.liaison, Step.TREATMENT_STARTED, StepState.DECLINED, ip=None, now=now)
    letter = write_letter(nora, booked.liaison, ip=None, now=now)
    text = pdf_text(bytes(letter.pdf))
    assert letter.kind == LetterKind.DECLINED
    assert "declined" in text and "fewer than a quarter" in text and "DXA" in text


def test_it_serves_the_letter_as_fhir_documentreference_and_communication(booked: Any, nora: Any) -> None:
    from kyphoplan.fhir.validate import emit

    letter = write_letter(nora, booked.liaison, ip=None, now=START + timedelta(days=10))
    doc = emit(document_reference(letter))
    assert doc["content"][0]["attachment"]["contentType"] == "application/pdf"
    com = emit(communication(letter))
    assert com["payload"][1]["contentReference"]["reference"] == f"DocumentReference/{doc['id']}"
    assert com["subject"]["reference"] == f"Patient/{booked.pk}"


def test_it_refuses_a_scheduler_closing_clinical_steps_without_a_role(booked: Any, make_staff: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from kyphoplan.staff.roles import Role

    rita = make_staff("rita2", Role.RADIOLOGIST)
    close_step(rita, booked.liaison, Step.DXA_REFERRAL, StepState.DONE, ip=None, now=START)
    nobody = make_staff("temp", Role.SCHEDULER)
    nobody.groups.clear()
    with pytest.raises(PermissionDenied):
        close_step(nobody, booked.liaison, Step.DXA_REFERRAL, StepState.DONE, ip=None, now=START)


def pypdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_it_asks_the_physician_only_for_steps_still_open(booked: Any, nora: Any) -> None:
    """A done step is reported, not asked for again (no second DXA, no second drug); a declined
    step is reported as declined; only open steps are asked for (REFERENCE §13a)."""
    import base64

    from kyphoplan.fhir.validate import emit
    from kyphoplan.liaison.models import FractureGrade
    from kyphoplan.liaison.services import set_details

    nora.first_name, nora.last_name = "Nora", "Quinn"
    nora.save()
    now = START + timedelta(days=10)
    track = booked.liaison
    set_details(nora, track, grade=FractureGrade.MODERATE, pcp_name="Dr Lee", ip=None, now=now)
    for step in (Step.DXA_REFERRAL, Step.TREATMENT_DISCUSSED, Step.TREATMENT_STARTED):
        close_step(nora, track, step, StepState.DONE, ip=None, now=now)
    close_step(nora, track, Step.FALLS_ASSESSMENT, StepState.DECLINED, ip=None, now=now)
    letter = write_letter(nora, track, ip=None, now=now)
    doc = emit(document_reference(letter))
    com = emit(communication(letter))
    for text in (pypdf_text(bytes(letter.pdf)), pypdf_text(base64.b64decode(doc["content"][0]["attachment"]["data"]))):
        assert "Arrange a DXA" not in text and "Please consider osteoporosis drug treatment" not in text
        assert "referred the patient for a DXA" in text and "do not arrange another" in text
        assert "treatment was started" in text and "do not start a second drug" in text
        assert "declined a falls assessment" in text and "offer it again" in text
        assert "Assess the patient's risk of falls" not in text
        assert "Start vitamin D supplementation" in text and "Serum calcium" in text  # still open / always asked
        assert "((" not in text and "Genant Grade 2 (moderate, 25–40%)." in text
        assert "Nora Quinn" in text and "Nurse coordinator" in text and "Nora, for" not in text
    assert "treatment asked for" not in com["payload"][0]["contentString"]  # the drug was started: not asked for


def test_it_keeps_asking_for_open_steps_and_reports_a_declined_scan(booked: Any, nora: Any) -> None:
    now = START + timedelta(days=10)
    close_step(nora, booked.liaison, Step.DXA_REFERRAL, StepState.DECLINED, ip=None, now=now)
    text = pypdf_text(bytes(write_letter(nora, booked.liaison, ip=None, now=now).pdf))
    assert "declined a DXA bone density scan" in text and "Arrange a DXA" not in text
    assert "Please consider osteoporosis drug treatment, started promptly" in text
    assert "Start vitamin D supplementation" in text and "Assess the patient's risk of falls" in text


def test_it_names_the_step_buttons_with_the_steps_proper_labels(booked: Any, nora: Any, verified: Any) -> None:
    import re

    page = verified(nora).get(f"/staff/liaison/case/{booked.pk}/").content.decode()
    buttons = [" ".join(b.split()) for b in re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)]
    for step in Step:
        if step != Step.PCP_LETTER:
            assert f"Save “{step.label}”" in buttons, (step, buttons)
    assert not any("vitamin d " in b or "(dxa)" in b for b in buttons)
