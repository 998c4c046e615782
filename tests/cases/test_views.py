"""The staff pages of the pathway, through the test client."""

from datetime import timedelta

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.booking.models import Booking
from kyphoplan.cases.models import Case, PatientLink
from kyphoplan.plans.models import PlanVersion, Reason
from tests.pathway.fixtures import NOW, START


def test_it_turns_a_reached_call_back_into_a_case_with_one_click(maria_request, sam, verified, client):
    maria_request.status = "reached"
    maria_request.save()
    verified(sam)
    page = client.get("/staff/cases/new/").content.decode()
    assert f"Make a case from {maria_request.reference}" in page
    response = client.post(f"/staff/cases/from-callback/{maria_request.pk}/")
    case = Case.objects.get(callback=maria_request)
    assert response.status_code == 302 and response["Location"] == f"/staff/cases/{case.pk}/"
    assert case.status == "contacted"
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and detail["Cache-Control"] == "no-store"
    assert "Maria Testpatient" in detail.content.decode()
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="case", object_id=str(case.pk)).exists()


def test_it_lists_and_edits_cases(maria_case, sam, verified, client):
    verified(sam)
    assert maria_case.reference in client.get("/staff/cases/").content.decode()
    form = client.get(f"/staff/cases/{maria_case.pk}/edit/")
    assert form.status_code == 200
    data = {"patient_name": "Maria Testpatient", "phone_e164": "+14155550132", "email": "maria@example.org",
            "language": "es", "sex": "female", "levels_to_treat": "t12, L1, L2", "imaging_levels": "L1",
            "sedation": "moderate", "target_start": "2026-12-14T08:00", "mri_edema": "yes", "email_reminders": "on"}
    response = client.post(f"/staff/cases/{maria_case.pk}/edit/", data)
    assert response.status_code == 302
    maria_case.refresh_from_db()
    assert maria_case.levels_to_treat == ["T12", "L1", "L2"] and maria_case.target_start == START
    bad = client.post(f"/staff/cases/{maria_case.pk}/edit/", {**data, "levels_to_treat": "L9"})
    assert "Not a vertebral level: L9" in bad.content.decode()


def test_it_shows_a_link_once_and_never_again(maria_case, sam, verified, client):
    verified(sam)
    response = client.post(f"/staff/cases/{maria_case.pk}/links/", {"purpose": "intake", "channel": "shown"})
    page = response.content.decode()
    assert "/es/p/intake/" in page
    token = page.split("/es/p/intake/")[1].split("/")[0]
    assert token not in client.get(f"/staff/cases/{maria_case.pk}/").content.decode()
    assert PatientLink.objects.get(case=maria_case).token_hash != token


def test_it_books_from_the_free_times_of_the_day(maria_case, sam, verified, client, rooms):
    verified(sam)
    page = client.get(f"/staff/cases/{maria_case.pk}/book/?day=2026-12-14").content.decode()
    assert "105 minutes in the room" in page and START.isoformat() in page
    response = client.post(f"/staff/cases/{maria_case.pk}/book/", {"room": rooms["room1"].pk,
                                                                   "start": START.isoformat()})
    assert response.status_code == 302
    assert Booking.objects.get(case=maria_case).start == START
    again = client.get(f"/staff/cases/{maria_case.pk}/book/?day=2026-12-14").content.decode()
    assert f'value="{START.isoformat()}"' not in again.split("Room 2")[0]
    assert f"Booked that day: 08:00–09:45 <a href=\"/staff/cases/{maria_case.pk}/\">{maria_case.reference}" in again


def test_it_lets_a_nurse_review_change_and_sign_a_plan(maria_case, nora, verified, client):
    from kyphoplan.plans.services import facts_for

    plan = {"procedure": {"start": START.isoformat()}, "medications": [], "decision_support": "Decision support.",
            "flags": [{"code": "prescriber-consult", "severity": "high", "text": "Ask", "texts": {"en": "Ask"},
                       "source": "SIR2019", "rule": "sir-consult", "drug": "clopidogrel"}],
            "actions": [{"code": "bring-medication-list", "due": START.isoformat(), "text": "Bring",
                         "texts": {"en": "Bring", "es": "Traiga"}, "audience": "patient", "source": "doc",
                         "rule": "bring"}]}
    PlanVersion.objects.create(case=maria_case, number=1, created_at=NOW, reason=Reason.INTAKE,
                               facts=facts_for(maria_case, NOW), plan=plan, ruleset_version="t")
    verified(nora)
    page = client.get(f"/staff/cases/{maria_case.pk}/plan/").content.decode()
    assert "prescriber-consult" in page and "sir-consult" in page and "SIR2019" in page
    assert 'name="code" value="bring-medication-list"' in page  # an edit button on the line itself
    client.post(f"/staff/cases/{maria_case.pk}/plan/1/overlay/",
                {"kind": "replace", "code": "bring-medication-list", "drug": "", "occurrence": "0",
                 "text": "Traiga todas sus cajas.", "reason": "forgets"})
    # One click is not a signature while a high flag is open: each must be acknowledged.
    refused = client.post(f"/staff/cases/{maria_case.pk}/plan/1/sign/", follow=True).content.decode()
    assert "Not signed" in refused and not PlanVersion.objects.get(case=maria_case).signed
    assert "Ask" in refused and 'name="ack-0"' in refused
    client.post(f"/staff/cases/{maria_case.pk}/plan/1/sign/", {"ack-0": "yes", "note-0": "called Dr. Okafor"})
    page = client.get(f"/staff/cases/{maria_case.pk}/plan/").content.decode()
    assert "signed by nora" in page and "Traiga todas sus cajas." in page and "forgets" in page
    assert 'id="sign"' not in page and "called Dr. Okafor" in page
    signed = PlanVersion.objects.get(case=maria_case)
    assert signed.acknowledged_flags == [{"code": "prescriber-consult", "drug": "clopidogrel",
                                          "note": "called Dr. Okafor", "by": "nora"}]


def test_it_says_why_a_booking_was_refused(maria_case, sam, verified, client, rooms):
    verified(sam)
    url = f"/staff/cases/{maria_case.pk}/book/?day=2026-12-14"
    page = client.post(url, {"room": rooms["room1"].pk, "start": START.replace(hour=16).isoformat()}, follow=True)
    assert "Not booked: the procedure must fit within working hours." in page.content.decode()
    page = client.post(url, {"room": rooms["room1"].pk, "start": "soon"}, follow=True)
    assert "Choose a room and a start time." in page.content.decode()


def test_it_gives_a_case_an_owner_from_the_care_team(maria_case, sam, nora, alex, verified, client):
    verified(sam)
    client.post(f"/staff/cases/{maria_case.pk}/owner/", {"owner": nora.pk})
    maria_case.refresh_from_db()
    assert maria_case.owner == nora
    client.post(f"/staff/cases/{maria_case.pk}/owner/", {"owner": 999999})
    maria_case.refresh_from_db()
    assert maria_case.owner == nora


def test_it_offers_make_a_case_on_a_reached_call_back_and_links_cases_in_the_nav(
    maria_request, sam, verified, client
):
    from django.urls import reverse

    verified(sam)
    detail = reverse("callbacks:detail", args=[maria_request.pk])
    page = client.get(detail)
    assert "Make a case" not in page.content.decode()  # a new request is not reached yet
    assert 'href="/staff/cases/"' in page.content.decode()
    maria_request.status = "reached"
    maria_request.save()
    page = client.get(detail).content.decode()
    assert f'action="/staff/cases/from-callback/{maria_request.pk}/"' in page
    client.post(f"/staff/cases/from-callback/{maria_request.pk}/")
    assert Case.objects.filter(callback=maria_request).count() == 1


def _next_link(page, label):
    import re

    found = re.search(r'href="\?([^"]*after=[^"]+)">' + label, page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_it_pages_past_a_hundred_cases_and_finds_one_by_search(sam, verified, client, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from kyphoplan.cases import access

    monkeypatch.setattr(access, "PAGE_SIZE", 3)
    now = timezone.now()
    for i in range(7):
        Case.objects.create(reference=f"KP-CASE-{i:04d}", patient_name=f"Patient {i}", created_at=now - timedelta(
            minutes=i), updated_at=now)
    Case.objects.create(reference="KP-887K-ZZZZ", patient_name="María González", created_at=now - timedelta(days=9),
                        updated_at=now, status="cancelled")
    verified(sam)
    seen, query = [], "status=all"
    while query is not None:
        page = client.get(f"/staff/cases/?{query}").content.decode()
        seen += [f"Patient {i}" for i in range(7) if f"Patient {i}<" in page]
        query = _next_link(page, "Older cases")
    assert seen == [f"Patient {i}" for i in range(7)]  # newest first, each once, the seventh reachable
    for typed in ["gonzalez", "887k", "MARÍA"]:
        client.post("/staff/cases/search/", {"q": typed})
        page = client.get("/staff/cases/").content.decode()  # the "open" filter: a search ignores it
        assert "María González" in page and "Patient 1<" not in page, typed
    client.post("/staff/cases/search/", {"clear": "1"})
    assert "María González" not in client.get("/staff/cases/").content.decode()


def test_it_lists_waiting_call_backs_on_the_new_case_page_in_a_few_queries(
        maria_request, sam, verified, client, django_assert_max_num_queries):
    from django.utils import timezone

    from kyphoplan.callbacks.models import CallbackRequest
    from kyphoplan.callbacks.services import NewRequest, submit_request
    from kyphoplan.cases.services import case_from_callback
    from kyphoplan.web.practice import get_practice

    made = [submit_request(NewRequest(f"Caller {i}", "+14155550100", "", "en", "other", [], [], True, False),
                           form_token=f"new-case-page-{i:08d}", ip=None, now=timezone.now(),
                           practice=get_practice())[0] for i in range(60)]
    CallbackRequest.objects.update(status="reached")
    for req in made[:55]:  # fifty-five already have a case: the rest must still show
        case_from_callback(sam, req, ip=None, now=timezone.now())
    verified(sam)
    with django_assert_max_num_queries(15):
        page = client.get("/staff/cases/new/").content.decode()
    waiting = [r.reference for r in made[55:]] + [maria_request.reference]
    assert all(f"Make a case from {ref}" in page for ref in waiting)
    assert not any(f"Make a case from {r.reference}" in page for r in made[:55])


def test_it_refuses_a_new_provisional_time_already_gone(maria_case, sam, verified, client, clock):
    """An outside tester saved a provisional date five days ago without a word: the plan would
    then date its holds in the past."""
    clock.move_to(NOW)
    verified(sam)
    data = {"patient_name": "Maria Testpatient", "phone_e164": "+14155550132", "email": "maria@example.org",
            "language": "es", "sex": "female", "levels_to_treat": "T12, L1", "imaging_levels": "L1",
            "sedation": "moderate", "mri_edema": "yes", "email_reminders": "on"}
    gone = (NOW - timedelta(days=5)).astimezone(START.tzinfo).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(f"/staff/cases/{maria_case.pk}/edit/", {**data, "target_start": gone})
    assert refused.status_code == 200 and "This time has already passed" in refused.content.decode()
    maria_case.refresh_from_db()
    assert maria_case.target_start == START

    # Once the procedure day is behind her, her case can still be edited with its date unchanged.
    clock.move_to(START + timedelta(days=2))
    kept = client.post(f"/staff/cases/{maria_case.pk}/edit/", {**data, "target_start": "2026-12-14T08:00"})
    assert kept.status_code == 302
