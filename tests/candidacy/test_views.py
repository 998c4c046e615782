"""Rita's candidacy page, the packet PDF and the payer page, through the Django test client."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from kyphoplan.candidacy import services
from kyphoplan.candidacy.models import LevelAssessment, PayerCriteriaVersion
from kyphoplan.candidacy.summary import summarize
from kyphoplan.clinical.candidacy import Answer
from tests.candidacy.helpers import IP, NO_CONTRAINDICATION, read_maria
from tests.pathway.fixtures import NOW

pytestmark = pytest.mark.django_db


def _prefixed(data: dict[str, str]) -> dict[str, str]:
    return {f"level-{k}": v for k, v in data.items()}


def _text(pdf: bytes, tmp_path: Any) -> str:
    path = tmp_path / "packet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_it_records_a_level_from_the_page_and_shows_its_grade(verified: Any, rita: Any, maria_case: Any) -> None:
    client = verified(rita)
    response = client.post(f"/staff/cases/{maria_case.pk}/candidacy/level/", _prefixed({
        "level": "t12", "anterior": "17.5", "middle": "24", "posterior": "27", "reference": "28",
        "oedema": "yes", "retropulsion": "no", "fracture_age_weeks": "6", "pain_nrs": "7"}))
    assert response.status_code == 302
    assert LevelAssessment.objects.get(case=maria_case, level="T12").grade == 2
    page = client.get(f"/staff/cases/{maria_case.pk}/candidacy/").content.decode()
    assert "grade 2 (moderate)" in page and "37.5 %" in page and 'data-level="T12"' in page and "<svg" in page


def test_it_refuses_an_impossible_height_with_a_message(verified: Any, rita: Any, maria_case: Any) -> None:
    client = verified(rita)
    response = client.post(f"/staff/cases/{maria_case.pk}/candidacy/level/", _prefixed({
        "level": "C5", "anterior": "17.5", "middle": "24", "posterior": "27", "reference": "28",
        "oedema": "yes", "retropulsion": "no"}))
    assert response.status_code == 200 and "not a thoracic or lumbar level" in response.content.decode()
    assert not LevelAssessment.objects.exists()


def test_it_404s_an_unknown_case(verified: Any, rita: Any) -> None:
    client = verified(rita)
    assert client.get("/staff/cases/00000000-0000-0000-0000-000000000000/candidacy/").status_code == 404


def test_it_makes_a_packet_with_the_grade_the_met_criteria_and_the_codes(
        verified: Any, rita: Any, maria_submitted: Any, tmp_path: Any) -> None:
    read_maria(rita, maria_submitted)
    services.do_answer_checklist(rita, maria_submitted, answers=NO_CONTRAINDICATION, ip=IP, now=NOW)
    services.do_sign_checklist(rita, maria_submitted, ip=IP, now=NOW)
    response = verified(rita).get(f"/staff/cases/{maria_submitted.pk}/prior-auth.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(_text(response.content, tmp_path).split())
    assert "Letter of medical necessity" in text
    assert "grade 2 (moderate) wedge fracture with 37.5 % height loss" in text
    assert "22513 T12" in text and "22515 L1" in text and "M80.08XA" in text
    assert ("Criteria met: Acute or subacute fracture shown on imaging; Pain NRS/VAS ≥ 8 (hospitalised) or ≥ 5 "
            "(outpatient) despite optimal non-surgical care; Worsening pain, or NRS ≥ 5; At least two of: height "
            "loss > 25 %, kyphotic deformity, RDQ > 17; Bone-density referral documented; Osteoporosis education "
            "documented.") in text
    assert "Paracetamol and tramadol 6 weeks" in text


def test_it_shows_relative_flags_on_the_plan_review(verified: Any, rita: Any, maria_submitted: Any) -> None:
    services.do_answer_checklist(rita, maria_submitted, answers={"rel.pregnancy": "present"}, ip=IP, now=NOW)
    page = verified(rita).get(f"/staff/cases/{maria_submitted.pk}/plan/").content.decode()
    assert 'id="candidacy-flags"' in page and "Pregnancy" in page


def test_alex_edits_a_payer_record_with_a_reason(verified: Any, alex: Any) -> None:
    import json

    from kyphoplan.clinical.payer_criteria import shipped_records

    client = verified(alex)
    raw = shipped_records()["evicore-cmm-607"]
    raw["criteria"][0]["levels"] = 3
    bad = client.post("/staff/cases/payers/", {"record_id": "evicore-cmm-607", "record": "{", "reason": "x"})
    assert "not valid JSON" in bad.content.decode()
    ok = client.post("/staff/cases/payers/", {"record_id": "evicore-cmm-607", "record": json.dumps(raw),
                                              "reason": "2027 contract allows 3 levels"})
    assert ok.status_code == 302
    assert PayerCriteriaVersion.objects.get().record["criteria"][0]["levels"] == 3


def test_it_saves_the_checklist_from_the_page_and_ignores_unknown_answers(verified: Any, rita: Any,
                                                                          maria_case: Any) -> None:
    from kyphoplan.candidacy.models import Candidacy

    response = verified(rita).post(f"/staff/cases/{maria_case.pk}/candidacy/checklist/", {
        "item-abs.infection": "present", "item-rel.pregnancy": "absent", "item-abs.coagulopathy": "maybe"})
    assert response.status_code == 302
    row = Candidacy.objects.get(case=maria_case)
    assert row.answers == {"abs.infection": "present", "rel.pregnancy": "absent"} and row.booking_blocked


def test_it_tells_the_booking_page_and_a_changed_checklist(verified: Any, rita: Any, nora: Any,
                                                           maria_submitted: Any) -> None:
    read_maria(rita, maria_submitted)
    book_page = verified(nora).get(f"/staff/cases/{maria_submitted.pk}/book/").content.decode()
    assert "The candidacy checklist is not signed yet." in book_page
    services.do_answer_checklist(rita, maria_submitted, answers=NO_CONTRAINDICATION, ip=IP, now=NOW)
    services.do_sign_checklist(rita, maria_submitted, ip=IP, now=NOW)
    services.do_answer_checklist(rita, maria_submitted, answers={"abs.improving": "present"}, ip=IP, now=NOW)
    book_page = verified(nora).get(f"/staff/cases/{maria_submitted.pk}/book/").content.decode()
    assert "Booking is blocked by the candidacy checklist: Patient improving on medical therapy" in book_page
    page = verified(rita).get(f"/staff/cases/{maria_submitted.pk}/candidacy/").content.decode()
    assert 'id="checklist-changed"' in page


def test_it_leaves_mri_oedema_not_assessed_unless_rita_chooses_it(verified: Any, rita: Any, maria_case: Any) -> None:
    client = verified(rita)
    page = client.get(f"/staff/cases/{maria_case.pk}/candidacy/").content.decode()
    assert '<option value="not_assessed" selected>Not assessed</option>' in page.split('name="level-oedema"')[1]
    # A form posted as the page offers it (the default oedema) confirms no indication.
    response = client.post(f"/staff/cases/{maria_case.pk}/candidacy/level/", _prefixed({
        "level": "T12", "anterior": "17.5", "middle": "24", "posterior": "27", "reference": "28",
        "oedema": "not_assessed", "retropulsion": "not_assessed"}))
    assert response.status_code == 302
    assert LevelAssessment.objects.get(case=maria_case, level="T12").oedema == "not_assessed"
    s = summarize(maria_case, as_of=NOW)
    assert s.computed["acute_on_imaging"] is None
    assert next(ln for ln in s.review.lines if ln.item.id.startswith("ind.acute")).answer is Answer.NOT_ASSESSED


def _visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_it_shows_checklist_answers_and_overrides_in_words_on_the_page_and_the_packet(
        verified: Any, rita: Any, maria_submitted: Any, tmp_path: Any) -> None:
    read_maria(rita, maria_submitted)
    services.do_answer_checklist(rita, maria_submitted, answers={"abs.coagulopathy": "present"}, ip=IP, now=NOW)
    services.do_override(rita, maria_submitted, item_id="abs.coagulopathy", reason="INR corrected", ip=IP, now=NOW)
    client = verified(rita)
    page = _visible(client.get(f"/staff/cases/{maria_submitted.pk}/candidacy/").content.decode())
    assert "not_assessed" not in page and "abs.coagulopathy" not in page
    assert "Not assessed" in page and "Present (from the imaging)" in page
    assert "Uncorrectable coagulopathy" in page.split("Overrides")[1]
    text = " ".join(_text(client.get(f"/staff/cases/{maria_submitted.pk}/prior-auth.pdf").content, tmp_path).split())
    assert "not_assessed" not in text and "abs.coagulopathy" not in text
    assert "Not assessed" in text and "Override of “Uncorrectable coagulopathy” by rita" in text


def test_it_asks_rita_to_confirm_a_height_above_the_reference_and_warns_of_a_planned_level_with_no_fracture(
        verified: Any, rita: Any, maria_submitted: Any, tmp_path: Any) -> None:
    client = verified(rita)
    url = f"/staff/cases/{maria_submitted.pk}/candidacy/level/"
    above = {"level": "L1", "anterior": "30", "middle": "30", "posterior": "30", "reference": "25",
             "oedema": "yes", "retropulsion": "no"}
    refused = client.post(url, _prefixed(above))
    assert refused.status_code == 200
    assert "anterior and middle and posterior height above the reference height" in refused.content.decode()
    assert not LevelAssessment.objects.filter(case=maria_submitted, level="L1").exists()
    assert client.post(url, _prefixed({**above, "above_reference_confirmed": "on"})).status_code == 302
    assert client.post(url, _prefixed({"level": "T12", "anterior": "17.5", "middle": "24", "posterior": "27",
                                       "reference": "28", "oedema": "yes", "retropulsion": "no"})).status_code == 302
    page = _visible(client.get(f"/staff/cases/{maria_submitted.pk}/candidacy/").content.decode())
    assert "Planned but no fracture on the measured heights (grade 0): L1." in page
    text = " ".join(_text(client.get(f"/staff/cases/{maria_submitted.pk}/prior-auth.pdf").content, tmp_path).split())
    assert "T12 shows a grade 2 (moderate) wedge fracture" in text
    assert "L1 shows" not in text and "none fracture" not in text


def test_it_refuses_a_height_above_the_reference_in_the_service_unless_confirmed(rita: Any, maria_case: Any) -> None:
    from decimal import Decimal

    from kyphoplan.candidacy.models import Finding, Oedema

    heights = {"level": "L2", "anterior": Decimal("30"), "middle": Decimal("24"), "posterior": Decimal("24"),
               "reference": Decimal("25"), "oedema": Oedema.NO, "retropulsion": Finding.NO,
               "fracture_age_weeks": None, "pain_nrs": None, "ip": IP, "now": NOW}
    with pytest.raises(services.CandidacyError, match="anterior height above the reference height"):
        services.do_record_level(rita, maria_case, **heights)  # type: ignore[arg-type]
    assert services.do_record_level(rita, maria_case, above_reference_confirmed=True,
                                    **heights).grade == 0  # type: ignore[arg-type]


def test_it_says_the_checklist_is_not_yet_assessed_rather_than_booking_not_blocked(
        verified: Any, rita: Any, maria_submitted: Any) -> None:
    client = verified(rita)
    page = _visible(client.get(f"/staff/cases/{maria_submitted.pk}/candidacy/").content.decode())
    assert "Booking not blocked" not in page
    # Eleven items open: the acute fracture is filled in from the case's MRI finding.
    assert "Checklist not yet assessed (11 of 12 items open), not signed" in page
