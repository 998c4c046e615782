"""The candidacy page of a case: imaging, grade on a spine diagram, checklist, payer criteria,
codes and the prior-authorization packet; the payer-criteria page for the practice admin."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyphoplan.candidacy import services
from kyphoplan.candidacy.access import access_candidacy
from kyphoplan.candidacy.forms import FactsForm, LevelForm, initial_facts
from kyphoplan.candidacy.models import ChecklistSignoff, PayerCriteriaVersion
from kyphoplan.candidacy.packet import packet_pdf
from kyphoplan.candidacy.spine import spine_svg
from kyphoplan.candidacy.summary import current_payer_records
from kyphoplan.cases import roles
from kyphoplan.cases.localtime import practice_time
from kyphoplan.cases.models import Case
from kyphoplan.clinical.candidacy import Answer
from kyphoplan.clinical.grading import GradingError, one_decimal
from kyphoplan.clinical.payer_criteria import shipped_records
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip


def _page(request: HttpRequest, case_id: str, *, level_form: LevelForm | None = None,
          facts_form: FactsForm | None = None) -> HttpResponse:
    now = timezone.now()
    s = access_candidacy(request.user, case_id, ip=client_ip(request), now=now)
    user = request.user
    signoffs = list(ChecklistSignoff.objects.filter(case=s.case).select_related("signed_by", "plan_version")[:5])
    current = {ln.item.id: ln.answer.value for ln in s.review.lines}
    signed = {line["id"]: line["answer"] for line in signoffs[0].snapshot["checklist"]} if signoffs else None
    return render(request, "candidacy/page.html", {
        "s": s, "case": s.case, "spine": spine_svg(s.levels, list(s.case.levels_to_treat)),
        "levels": [(lv, one_decimal(lv.assessment.max_loss)) for lv in s.levels],
        "level_form": level_form or LevelForm(prefix="level"),
        "facts_form": facts_form or FactsForm(initial=initial_facts(s.candidacy), prefix="facts"),
        "answers": [(a.value, a.label) for a in Answer], "max_loss": one_decimal(s.evidence.max_height_loss) if s.evidence.max_height_loss else None,
        "signoffs": signoffs, "changed_since_signed": signed is not None and signed != current,
        "can_assess": roles.has_role(user, services.ASSESS),
        "can_sign": roles.has_role(user, services.RADIOLOGIST),
    })


@require_GET
@staff_required()
@practice_time
def page(request: HttpRequest, case_id: str) -> HttpResponse:
    return _page(request, case_id)


@require_POST
@staff_required()
@practice_time
def level(request: HttpRequest, case_id: str) -> HttpResponse:
    s = access_candidacy(request.user, case_id, ip=client_ip(request), now=timezone.now(), what="candidacy level")
    form = LevelForm(request.POST, prefix="level")
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.do_record_level(request.user, s.case, level=c["level"], anterior=c["anterior"],
                                     middle=c["middle"], posterior=c["posterior"], reference=c["reference"],
                                     oedema=c["oedema"], retropulsion=c["retropulsion"],
                                     fracture_age_weeks=c["fracture_age_weeks"], pain_nrs=c["pain_nrs"],
                                     above_reference_confirmed=c["above_reference_confirmed"],
                                     ip=client_ip(request), now=timezone.now())
        except (GradingError, services.CandidacyError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{c['level']} recorded.")
            return redirect("candidacy:page", case_id=s.case.pk)
    return _page(request, case_id, level_form=form)


@require_POST
@staff_required()
@practice_time
def facts(request: HttpRequest, case_id: str) -> HttpResponse:
    s = access_candidacy(request.user, case_id, ip=client_ip(request), now=timezone.now(), what="candidacy facts")
    form = FactsForm(request.POST, prefix="facts")
    if form.is_valid():
        try:
            services.do_update_facts(request.user, s.case, values=form.values(), ip=client_ip(request),
                                     now=timezone.now())
        except (services.CandidacyError, ValidationError, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Payer facts saved.")
            return redirect("candidacy:page", case_id=s.case.pk)
    return _page(request, case_id, facts_form=form)


@require_POST
@staff_required()
@practice_time
def checklist(request: HttpRequest, case_id: str) -> HttpResponse:
    s = access_candidacy(request.user, case_id, ip=client_ip(request), now=timezone.now(), what="checklist")
    answers = {ln.item.id: request.POST[f"item-{ln.item.id}"] for ln in s.review.lines
               if request.POST.get(f"item-{ln.item.id}") in {a.value for a in Answer}}
    services.do_answer_checklist(request.user, s.case, answers=answers, ip=client_ip(request), now=timezone.now())
    messages.success(request, "Checklist saved.")
    return redirect("candidacy:page", case_id=s.case.pk)


def _decide(request: HttpRequest, case_id: str, what: str, verb: Callable[[Case], object], *, refused: str,
            done: str) -> HttpResponse:
    """A checklist decision (override, signature): the verb on the case, then a message that
    says it was recorded, or why not."""
    s = access_candidacy(request.user, case_id, ip=client_ip(request), now=timezone.now(), what=what)
    try:
        verb(s.case)
    except services.CandidacyError as exc:
        messages.error(request, f"{refused}: {exc}.")
    else:
        messages.success(request, done)
    return redirect("candidacy:page", case_id=s.case.pk)


@require_POST
@staff_required()
@practice_time
def override(request: HttpRequest, case_id: str) -> HttpResponse:
    return _decide(request, case_id, "override", lambda case: services.do_override(
        request.user, case, item_id=request.POST.get("item", ""), reason=request.POST.get("reason", ""),
        ip=client_ip(request), now=timezone.now()), refused="Not overridden", done="Override recorded.")


@require_POST
@staff_required()
@practice_time
def sign(request: HttpRequest, case_id: str) -> HttpResponse:
    return _decide(request, case_id, "sign checklist", lambda case: services.do_sign_checklist(
        request.user, case, ip=client_ip(request), now=timezone.now()), refused="Not signed", done="Checklist signed.")


@require_GET
@staff_required()
@practice_time
def packet(request: HttpRequest, case_id: str) -> HttpResponse:
    now = timezone.now()
    s = access_candidacy(request.user, case_id, ip=client_ip(request), now=now, what="prior-authorization packet")
    response = HttpResponse(packet_pdf(s, now=now, base_url=request.build_absolute_uri("/")),
                            content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="prior-auth-{s.case.reference}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@staff_required()
@practice_time
def payers(request: HttpRequest) -> HttpResponse:
    """The payer criteria records; the practice admin saves a new version with a reason."""
    ip = client_ip(request)
    roles.require(request.user, roles.VIEW_CASES, ip=ip, what="payer criteria")
    error = ""
    if request.method == "POST":
        record_id = request.POST.get("record_id", "")
        try:
            raw = json.loads(request.POST.get("record", ""))
            services.do_change_payer_criteria(request.user, record_id=record_id, raw=raw,
                                              reason=request.POST.get("reason", ""), ip=ip, now=timezone.now())
        except json.JSONDecodeError as exc:
            error = f"{record_id}: not valid JSON ({exc.msg}, line {exc.lineno})"
        except services.CandidacyError as exc:
            error = f"{record_id}: {exc}"
        else:
            messages.success(request, "Payer criteria saved as a new version.")
            return redirect("candidacy:payers")
    shipped = shipped_records()
    records = [(rec, row, json.dumps(row.record if row else shipped[rec.id], indent=2, ensure_ascii=False))
               for rec, row in current_payer_records()]
    return render(request, "candidacy/payers.html", {
        "records": records, "error": error, "can_edit": roles.has_role(request.user, services.PAYER_ADMIN),
        "history": PayerCriteriaVersion.objects.select_related("changed_by")[:50],
    })
