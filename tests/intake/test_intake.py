"""Maria fills in her intake by link, without JavaScript: save, resume, submit."""

import pytest

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.cases.models import Channel, LinkPurpose
from kyphoplan.cases.services import issue_link, revoke_link
from kyphoplan.intake.forms import IntakeForm
from kyphoplan.intake.models import Intake, IntakeStatus
from tests.pathway.fixtures import NOW


@pytest.fixture
def maria_link(maria_case, sam):
    _, token = issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN, ip=None, now=NOW)
    return token


def _answers(**extra):
    data = {"med_0": "Plavix 75 mg once daily", "med_1": "pastilla blanca para el corazón", "unsure_1": "on",
            "allergy_0": "shellfish", "reaction_0": "hives", "diabetes": "type2", "insulin": "no", "kidney": "no",
            "smoker": "no", "has_escort": "yes", "escort_name": "Luis", "weight": "128", "weight_unit": "lb",
            "height": "62", "height_unit": "in"}
    data.update(extra)
    return data


def test_it_converts_pounds_and_inches():
    form = IntakeForm(_answers())
    assert form.is_valid(), form.errors
    data = form.to_data()
    assert data["weight_kg"] == 58.1 and data["height_cm"] == 157.5
    assert data["medicines"][1] == {"text": "pastilla blanca para el corazón", "unsure": True}


def test_it_opens_only_with_the_link_and_hides_the_token_at_once(maria_link, client):
    assert client.get("/es/p/intake/").status_code == 404
    response = client.get(f"/es/p/intake/{maria_link}/")
    assert response.status_code == 302 and response["Location"] == "/es/p/intake/"
    page = client.get("/es/p/intake/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert "Sus medicinas" in text and "No estoy seguro de qué es" in text
    assert "Maria" not in text  # the form shows nothing about her that she did not type


def test_it_saves_resumes_and_shows_what_it_recognised(maria_case, maria_link, client):
    client.get(f"/es/p/intake/{maria_link}/")
    page = client.post("/es/p/intake/", _answers(save="1")).content.decode()
    assert "Guardado" in page and "clopidogrel" in page and "No reconocimos esto" in page
    intake = Intake.objects.get(case=maria_case)
    assert intake.status == IntakeStatus.IN_PROGRESS
    # Later, from another phone: the same link, the answers are there.
    client.cookies.clear()
    client.get(f"/es/p/intake/{maria_link}/")
    assert "\nPlavix 75 mg once daily</textarea>" in client.get("/es/p/intake/").content.decode()


def test_it_adds_a_line_without_javascript_and_keeps_the_answers(maria_link, client):
    client.get(f"/es/p/intake/{maria_link}/")
    page = client.post("/es/p/intake/", _answers(more="med")).content.decode()
    assert 'name="med_2"' in page and 'name="med_3"' not in page
    assert "Plavix 75 mg once daily</textarea>" in page and 'name="allergy_2"' not in page
    page = client.post("/es/p/intake/", _answers(more="allergy")).content.decode()
    assert 'name="allergy_2"' in page


def test_it_wraps_long_lines_and_keeps_them_on_one_line(maria_link, client):
    client.get(f"/es/p/intake/{maria_link}/")
    page = client.get("/es/p/intake/").content.decode()
    assert '<textarea name="med_0"' in page
    form = IntakeForm(_answers(med_0="Plavix 75 mg\nonce daily"))
    assert form.is_valid() and form.to_data()["medicines"][0]["text"] == "Plavix 75 mg once daily"


def test_it_shows_maria_her_answers_before_they_go(maria_case, maria_link, client):
    client.get(f"/es/p/intake/{maria_link}/")
    review = client.post("/es/p/intake/", _answers(submit="1"))
    page = review.content.decode()
    assert review.status_code == 200 and "Revise sus respuestas" in page
    assert "Plavix 75 mg once daily" in page and "clopidogrel" in page and "mariscos" not in page
    assert "shellfish: hives" in page and "Sí, tipo 2" in page and "128 libras" in page
    maria_case.refresh_from_db()
    assert maria_case.intake.status != IntakeStatus.SUBMITTED  # saved, not sent


def test_it_closes_the_intake_on_submit_and_moves_the_case_to_review(maria_case, maria_link, client):
    client.get(f"/es/p/intake/{maria_link}/")
    client.post("/es/p/intake/", _answers(submit="1"))
    response = client.post("/es/p/intake/", {"confirm": "1"})
    assert response["Location"] == "/es/p/intake/done/"
    maria_case.refresh_from_db()
    assert maria_case.status == "review" and maria_case.intake.status == IntakeStatus.SUBMITTED
    version = maria_case.plan_versions.get()
    assert version.facts["medications"][1].endswith("(no estoy seguro de qué es)")
    assert version.plan["medications"][0]["ingredients"] == ["clopidogrel"]
    # A second visit cannot change the answers.
    assert client.get("/es/p/intake/")["Location"] == "/es/p/intake/done/"


def test_it_recognises_lines_live_for_link_holders_only(maria_link, client):
    assert client.post("/es/p/intake/recognize", {"line": "x"}, content_type="application/json").status_code == 403
    client.get(f"/es/p/intake/{maria_link}/")
    data = client.post("/es/p/intake/recognize", {"line": "Eliquis 5mg twice a day"},
                       content_type="application/json").json()
    assert data["recognized"] and data["ingredients"] == ["apixaban"]


def test_it_stops_working_as_soon_as_the_link_is_revoked(maria_case, maria_link, sam, client):
    client.get(f"/es/p/intake/{maria_link}/")
    revoke_link(sam, maria_case.links.get(), ip=None, now=NOW)
    assert client.get("/es/p/intake/").status_code == 404
    assert AuditEvent.objects.filter(object_type="patientlink", action=Action.VIEW).count() == 1


def test_it_lets_a_coordinator_fill_the_same_form_on_the_phone(maria_case, sam, verified, client):
    verified(sam)
    page = client.get(f"/staff/cases/{maria_case.pk}/intake/").content.decode()
    assert "Medicine 1" in page or "Medicina 1" in page
    client.post(f"/staff/cases/{maria_case.pk}/intake/", _answers(save="1"))
    intake = Intake.objects.get(case=maria_case)
    assert intake.last_saved_by == sam and intake.data["smoker"] is False


def test_it_keeps_answers_saved_by_the_page_script_as_she_types(maria_case, maria_link, client):
    client.get(f"/es/p/intake/{maria_link}/")
    response = client.post("/es/p/intake/", _answers(autosave="1"))
    assert response.status_code == 204
    assert Intake.objects.get(case=maria_case).data["medicines"][0]["text"] == "Plavix 75 mg once daily"
    assert "Guardado" not in client.get("/es/p/intake/").content.decode()  # no stale "saved" message


def test_it_names_the_health_questions_left_blank_before_she_sends(maria_link, client):
    """An outside tester sent an intake with every health question blank and was not told."""
    client.get(f"/es/p/intake/{maria_link}/")
    blank = {k: "" for k in ("diabetes", "insulin", "kidney", "smoker", "has_escort")}
    page = client.post("/es/p/intake/", _answers(submit="1", **blank)).content.decode()
    assert "No contestó 5 preguntas:" in page and "una enfermera le preguntará por teléfono" in page
    answered = client.post("/es/p/intake/", _answers(submit="1")).content.decode()
    assert 'id="unanswered"' not in answered
