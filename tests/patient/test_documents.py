"""The patient's plan page, PDF and calendar, from a signed plan and a booking."""

from datetime import UTC, datetime
from io import BytesIO

import icalendar
import pytest
from pypdf import PdfReader

from kyphoplan.pathway.services import add_override, book
from kyphoplan.plans.models import OverlayKind, PlanVersion, Reason
from kyphoplan.plans.services import facts_for
from kyphoplan.reminders.models import Reminder
from tests.pathway.fixtures import LA, sign_all

# Across the end of daylight saving (1 November 2026): the last dose is on PDT, the procedure on PST.
START = datetime(2026, 11, 3, 8, 0, tzinfo=LA)


def _action(code, due, text_en, text_es, drug=None, last=None, audience="patient"):
    a = {"code": code, "due": due, "text": text_en, "texts": {"en": text_en, "es": text_es},
         "audience": audience, "source": "SIR2019", "rule": f"r-{code}", "requires_review": bool(drug)}
    if drug:
        a["drug"] = drug
    if last:
        a["last_dose_date"] = last
    return a


PLAN = {
    "procedure": {"start": START.isoformat()},
    "medications": [{"input": "Plavix 75 mg once daily", "disposition": "stop"},
                    {"input": "metformin 500 mg", "disposition": "continue"}],
    "flags": [],
    "actions": [
        _action("consult-prescriber", "2026-10-27T00:00:00-07:00", "Call the doctor who prescribes Plavix.",
                "Llame al médico que le receta Plavix.", drug="clopidogrel"),
        _action("stop-medication", "2026-10-29T00:00:00-07:00", "Take your last clopidogrel today.",
                "Tome su último clopidogrel hoy.", drug="clopidogrel", last="2026-10-28"),
        _action("fasting-start", "2026-11-03T00:00:00-08:00", "Nothing to eat or drink from midnight.",
                "Nada de comer ni beber desde la medianoche."),
        _action("platelet-check", None, "Platelets", "Plaquetas", audience="clinician"),
    ],
}


@pytest.fixture
def signed_and_booked(maria_case, nora, sam, rooms):
    maria_case.target_start = START
    maria_case.save()
    now = datetime(2026, 10, 20, 10, 0, tzinfo=LA)
    v = PlanVersion.objects.create(case=maria_case, number=1, created_at=now, reason=Reason.INTAKE,
                                   facts=facts_for(maria_case, now), plan=PLAN, ruleset_version="t")
    add_override(nora, v, kind=OverlayKind.ADD, texts={"es": "Bring your glasses."},
                 due=datetime(2026, 11, 3, 6, 30, tzinfo=LA), reason="low vision", ip=None, now=now)
    sign_all(nora, v, now)
    book(sam, maria_case, room=rooms["room1"], start=START, ip=None, now=now)
    return maria_case


def test_it_builds_a_spanish_checklist_day_by_day(signed_and_booked, verified, nora, client):
    verified(nora)
    page = client.get(f"/staff/cases/{signed_and_booked.pk}/patient-plan/").content.decode()
    assert "miércoles 28 de octubre" in page and "Tome su último clopidogrel hoy." in page
    assert "martes 3 de noviembre" in page and "Bring your glasses." in page
    assert "Plaquetas" not in page  # clinician items stay with clinicians


@pytest.mark.slow
def test_it_prints_the_plan_with_the_practice_and_the_medicine_list(signed_and_booked, verified, nora, client):
    verified(nora)
    response = client.get(f"/staff/cases/{signed_and_booked.pk}/plan.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    assert "Kyphoplan demo practice" in flat and "100 Example Street" in flat
    assert "miércoles 28 de octubre" in flat and "Tome su último clopidogrel hoy." in flat
    assert "Lista de medicinas para traer" in flat and "Plavix 75 mg once daily" in flat and "Siga tomándola" in flat
    assert "firmado por su equipo de atención el 20 de octubre de 2026." in flat and "2026-10-20" not in flat


def test_it_exports_a_calendar_correct_across_the_clock_change(signed_and_booked, verified, nora, client):
    verified(nora)
    response = client.get(f"/staff/cases/{signed_and_booked.pk}/plan.ics")
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert all(e.walk("VALARM") for e in events.values())
    last = events["Último día de clopidogrel"]["dtstart"].dt
    assert last == datetime(2026, 10, 28).date()  # a whole day
    fasting = events["Deje de comer y beber"]["dtstart"].dt
    assert fasting.astimezone(UTC) == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # midnight PST
    arrive = events["Llegue para su procedimiento"]["dtstart"].dt
    assert arrive.astimezone(UTC) == datetime(2026, 11, 3, 15, 0, tzinfo=UTC)  # 7:00 PST
    consult = events["Clopidogrel: su médico decide"]["dtstart"].dt
    assert consult.astimezone(UTC) == datetime(2026, 10, 27, 7, 0, tzinfo=UTC)  # midnight PDT
    assert b"VTIMEZONE" in response.content and b"TZID=America/Los_Angeles" in response.content


def test_it_schedules_reminders_once_the_plan_is_signed_and_booked(signed_and_booked):
    kinds = sorted(set(Reminder.objects.filter(case=signed_and_booked).values_list("kind", "channel")))
    assert ("last-dose", "email") in kinds and ("last-dose", "sms") in kinds
    assert ("fasting-evening", "email") in kinds and ("arrival-morning", "sms") in kinds
    last = Reminder.objects.get(case=signed_and_booked, kind="last-dose", channel="email")
    assert last.send_at == datetime(2026, 10, 28, 16, 0, tzinfo=UTC)  # 9:00 PDT
    assert last.language == "es" and "miércoles 28 de octubre" in last.body


def test_it_puts_the_procedure_time_and_place_on_page_1(signed_and_booked, verified, nora, client):
    from tests.spanish_text import spanish_problems

    verified(nora)
    response = client.get(f"/staff/cases/{signed_and_booked.pk}/plan.pdf")
    first = " ".join(PdfReader(BytesIO(response.content)).pages[0].extract_text().split())
    assert "Día de su procedimiento" in first and "martes 3 de noviembre" in first
    assert "Llegue a las 7:00 a. m." in first and "El procedimiento empieza a las 8:00 a. m." in first
    assert "Lugar 100 Example Street" in first and "Vuelve a casa hacia las" in first
    assert spanish_problems(first) == []


def test_it_gives_the_visit_events_a_place_and_their_real_length(signed_and_booked, verified, nora, client):
    verified(nora)
    cal = icalendar.Calendar.from_ical(client.get(f"/staff/cases/{signed_and_booked.pk}/plan.ics").content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    booking = signed_and_booked.bookings.get()
    arrive, procedure = events["Llegue para su procedimiento"], events["Procedimiento"]
    assert str(arrive["location"]) == "100 Example Street, Springfield" == str(procedure["location"])
    assert (arrive["dtstart"].dt, arrive["dtend"].dt) == (booking.arrive, booking.discharge)
    assert (procedure["dtstart"].dt, procedure["dtend"].dt) == (booking.start, booking.end)
    assert booking.discharge - booking.arrive > procedure["dtend"].dt - procedure["dtstart"].dt


def _long_plan() -> dict:
    """Sixty medicine lines of one to four printed lines each, so that some row meets a page end
    with room for one line only: that row's short cell fits, its longer one does not."""
    meds = [{"input": f"A{i:02d} " + "tableta de dosis " * (i * 7 % 11) + f"Z{i:02d}",
             "disposition": ("stop", "continue", "review")[i % 3]} for i in range(60)]
    return {**PLAN, "medications": meds}


WHAT = ("Déjela antes del procedimiento", "Siga tomándola", "Pregunte a su equipo de atención")


@pytest.mark.slow
def test_it_never_splits_a_medicine_row_across_two_pdf_pages(maria_case, nora, sam, rooms, verified, client):
    maria_case.target_start = START
    maria_case.save()
    now = datetime(2026, 10, 20, 10, 0, tzinfo=LA)
    v = PlanVersion.objects.create(case=maria_case, number=1, created_at=now, reason=Reason.INTAKE,
                                   facts=facts_for(maria_case, now), plan=_long_plan(), ruleset_version="t")
    sign_all(nora, v, now)
    verified(nora)
    response = client.get(f"/staff/cases/{maria_case.pk}/plan.pdf")
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(response.content)).pages]
    assert len(pages) >= 3  # long enough that the table crosses pages
    table = [text[text.find("A00 "):] if "A00 " in text else text for text in pages]
    for n, text in enumerate(table):
        rows = [i for i in range(60) if f"A{i:02d} " in text]
        # Each row whole on one page: both ends of the medicine line, and one "what to do" per line.
        assert all(f"Z{i:02d}" in text for i in rows), (n, text)
        assert sum(text.count(w) for w in WHAT) == len(rows), (n, text)


def _plan_link(case, sam) -> str:
    from django.utils import timezone

    from kyphoplan.cases.models import Channel, LinkPurpose
    from kyphoplan.cases.services import issue_link

    _, token = issue_link(sam, case, purpose=LinkPurpose.PLAN, channel=Channel.SHOWN, ip=None, now=timezone.now())
    return token


def test_it_lets_maria_s_son_read_her_spanish_plan_in_english(signed_and_booked, sam, client):
    token = _plan_link(signed_and_booked, sam)
    spanish = client.get(f"/es/p/plan/{token}/", follow=True).content.decode()
    assert "Su plan para prepararse" in spanish and "Tome su último clopidogrel hoy." in spanish
    assert 'href="/en/p/plan/"' in spanish  # the switch
    english = client.get("/en/p/plan/").content.decode()
    assert '<html lang="en">' in english and "Your plan to get ready" in english
    assert "Take your last clopidogrel today." in english and "Tome su último" not in english
    assert "Wednesday 28 October" in english and 'href="/es/p/plan/"' in english
    pdf = client.get("/en/p/plan/plan.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages).split())
    assert "Medicine list to bring" in text and "Take your last clopidogrel today." in text
    signed_and_booked.refresh_from_db()
    assert signed_and_booked.language == "es"  # messages still go in Spanish
    assert "Su plan para prepararse" in client.get("/es/p/plan/").content.decode()  # and back


def test_it_switches_the_intake_pages_too(maria_case, sam, client):
    from django.utils import timezone

    from kyphoplan.cases.models import Channel, LinkPurpose
    from kyphoplan.cases.services import issue_link

    _, token = issue_link(sam, maria_case, purpose=LinkPurpose.INTAKE, channel=Channel.SHOWN, ip=None,
                          now=timezone.now())
    assert "Preguntas antes de su procedimiento" in client.get(f"/es/p/intake/{token}/", follow=True).content.decode()
    english = client.get("/en/p/intake/").content.decode()
    assert "Questions before your procedure" in english and "Medicine 1" in english
    assert "This link does not work" in client.get("/en/p/intake/not-a-token/").content.decode()
    maria_case.refresh_from_db()
    assert maria_case.language == "es"


@pytest.mark.parametrize(("language", "keep", "no_restart", "call"), [
    ("en", "Until then, keep doing what your last plan told you.",
     "If you stopped a medicine for your procedure, do not start it again yet.", "Questions? Call us at +1 555 010 0100."),
    ("es", "Mientras tanto, siga haciendo lo que le decía su último plan.",
     "Si dejó una medicina para su procedimiento, no la vuelva a tomar todavía.",
     "¿Preguntas? Llámenos al +1 555 010 0100."),
])
def test_it_tells_maria_to_keep_to_her_last_plan_while_a_new_one_waits(
    signed_and_booked, sam, nora, client, language, keep, no_restart, call
):
    """Partway through a blood-thinner hold, "do not stop or change any medicine" reads as
    "start it again". While a new version waits for a signature, the page says to keep to the last plan."""
    from kyphoplan.pathway.services import amend

    amend(nora, signed_and_booked, reason="new labs", ip=None, now=datetime(2026, 10, 21, 10, 0, tzinfo=LA))
    token = _plan_link(signed_and_booked, sam)
    client.get(f"/{language}/p/plan/{token}/")
    page = " ".join(client.get(f"/{language}/p/plan/").content.decode().split())
    assert keep in page and no_restart in page and call in page
    assert "change any medicine" not in page and "ni cambie ninguna medicina" not in page
