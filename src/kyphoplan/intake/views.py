"""The intake form for the patient (by link) and for staff (on the phone).

The patient's link is exchanged for a session on first open, then the address
bar shows no token: nothing secret lands in history, logs or the Referer header.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyphoplan.cases import access, roles
from kyphoplan.cases.link_views import case_in_session, invalid_link, no_store, open_into_session
from kyphoplan.cases.localtime import practice_time
from kyphoplan.cases.models import Case, LinkPurpose
from kyphoplan.clinical.context import spanish_drug_names
from kyphoplan.intake.forms import IntakeForm, initial_from, review_items, rows_from_post, unanswered
from kyphoplan.intake.models import IntakeStatus
from kyphoplan.intake.readback import plain_name
from kyphoplan.intake.services import IntakeClosed, intake_for
from kyphoplan.pathway.services import save_intake, submit_intake
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.jsonbody import load_json
from kyphoplan.web.net import client_ip

SESSION_KEY = "kyphoplan.intake_link"
MAX_LINE = 500


@require_GET
@practice_time
def open_intake(request: HttpRequest, token: str) -> HttpResponse:
    return open_into_session(request, token, LinkPurpose.INTAKE, SESSION_KEY, "patient_links:intake_form")


def _patient_case(request: HttpRequest) -> Case | None:
    return case_in_session(request, SESSION_KEY)


def _form_page(request: HttpRequest, case: Case, *, acting_user: Any, template: str, done_url: str) -> HttpResponse:
    now = timezone.now()
    ip = client_ip(request)
    intake = intake_for(case, now)
    if acting_user is None and intake.status == IntakeStatus.SUBMITTED:
        return redirect("patient_links:intake_thanks")
    if request.method == "POST" and "confirm" in request.POST:
        # The review step's "Yes, send": the answers were saved when the review was shown.
        try:
            submit_intake(case, acting_user=acting_user, ip=ip, now=now)
        except IntakeClosed:
            return redirect("patient_links:intake_thanks")
        return redirect(done_url)
    if request.method == "POST":
        med_rows, allergy_rows = rows_from_post(request.POST)
        form = IntakeForm(request.POST, med_rows=med_rows, allergy_rows=allergy_rows)
        if "autosave" in request.POST:
            # From the page's script as the patient types: no page back, just "kept".
            if not form.is_valid():
                return no_store(HttpResponse(status=400))
            try:
                save_intake(case, form.to_data(), acting_user=acting_user, ip=ip, now=now)
            except IntakeClosed:
                return no_store(HttpResponse(status=409))
            return no_store(HttpResponse(status=204))
        if form.is_valid():
            try:
                data = form.to_data()
                save_intake(case, data, acting_user=acting_user, ip=ip, now=now)
                if "submit" in request.POST:
                    return _review_page(request, case, form, data, template)
            except IntakeClosed:
                return redirect("patient_links:intake_thanks")
            messages.success(request, _("Saved. You can come back to this page later."))
            intake.refresh_from_db()
            initial, m, a = initial_from(intake.data)
            if "more" in request.POST:
                m, a = med_rows, allergy_rows
            form = IntakeForm(initial=initial, med_rows=m, allergy_rows=a)
    else:
        initial, m, a = initial_from(intake.data)
        form = IntakeForm(initial=initial, med_rows=m, allergy_rows=a)
    recognized = _recognized(intake.data)
    rows = [(med, unsure, recognized.get(i)) for i, (med, unsure) in enumerate(form.med_fields())]
    return no_store(render(request, template, {"form": form, "case": case, "intake": intake, "med_rows": rows}))


def _review_page(request: HttpRequest, case: Case, form: IntakeForm, data: dict[str, Any],
                 template: str) -> HttpResponse:
    """"Review your answers": everything saved, shown back before it goes to the care team."""
    recognized = _recognized(data)
    medicines = [(m, recognized.get(i)) for i, m in enumerate(data["medicines"])]
    base = "base_staff.html" if template.startswith("intake/staff") else "patient/base.html"
    return no_store(render(request, "intake/review.html", {
        "case": case, "medicines": medicines, "allergies": data["allergies"], "items": review_items(form),
        "unanswered": unanswered(form), "base": base}))


def _recognized(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Recognition of the saved lines, shown beside them (the no-JavaScript path)."""
    from kyphoplan.plans.engine import recognize_line

    return {i: _in_patient_language(recognize_line(m["text"], m.get("codes"))) for i, m in enumerate(data.get("medicines", []))}


def _in_patient_language(seen: dict[str, Any]) -> dict[str, Any]:
    """Add `names`: the ingredients as the patient reads them ("prednisona" in Spanish), from
    the clinical core's table of Spanish generic names (a name missing there stays English);
    a line that names only a kind of medicine reads as plain words (intake.readback)."""
    spanish = spanish_drug_names() if (get_language() or "en").startswith("es") else {}
    return {**seen, "names": [plain_name(name, spanish) for name in seen.get("ingredients", [])]}


@require_http_methods(["GET", "POST"])
@practice_time
def patient_form(request: HttpRequest) -> HttpResponse:
    case = _patient_case(request)
    if case is None:
        return invalid_link(request)
    from django.urls import reverse

    return _form_page(request, case, acting_user=None, template="intake/patient_form.html",
                      done_url=reverse("patient_links:intake_thanks"))


@require_GET
@practice_time
def thanks(request: HttpRequest) -> HttpResponse:
    if _patient_case(request) is None:
        return invalid_link(request)
    return no_store(render(request, "intake/thanks.html"))


def _recognize_response(request: HttpRequest) -> HttpResponse:
    from kyphoplan.plans.engine import recognize_line

    try:
        line = str(load_json(request.body or b"{}").get("line", ""))[:MAX_LINE]
    except (ValueError, AttributeError):
        return JsonResponse({"error": "bad request"}, status=400)
    if not line.strip():
        return JsonResponse({"recognized": False, "ingredients": [], "classes": [], "names": []})
    return no_store(JsonResponse(_in_patient_language(recognize_line(line))))


@require_POST
@practice_time
def patient_recognize(request: HttpRequest) -> HttpResponse:
    # Only for someone holding a live intake link: not an open drug-lookup service.
    if _patient_case(request) is None:
        return JsonResponse({"error": "forbidden"}, status=403)
    return _recognize_response(request)


@require_http_methods(["GET", "POST"])
@staff_required()
@practice_time
def staff_form(request: HttpRequest, case_id: str) -> HttpResponse:
    from django.urls import reverse

    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="intake")
    roles.require(request.user, roles.WORK_CASES | roles.REVIEW_PLANS, ip=ip, what="intake")
    return _form_page(request, case, acting_user=request.user, template="intake/staff_form.html",
                      done_url=reverse("cases:detail", kwargs={"case_id": case.pk}))


@require_POST
@staff_required()
@practice_time
def staff_recognize(request: HttpRequest, case_id: str) -> HttpResponse:
    return _recognize_response(request)
