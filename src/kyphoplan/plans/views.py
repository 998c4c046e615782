"""Plan review and sign-off for nurse coordinators and radiologists. Writes go through the
pathway's verbs (kyphoplan.pathway), which keep reminders and status in step."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import access, roles
from kyphoplan.cases.localtime import practice_time
from kyphoplan.cases.models import Case
from kyphoplan.pathway import services as pathway
from kyphoplan.plans import services
from kyphoplan.plans.models import ImmutableError, OverlayKind, PlanVersion
from kyphoplan.reminders.services import no_channel_warning
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip
from kyphoplan.web.practice import get_practice


class OverrideForm(forms.Form):
    """One change, posted from the button beside the line it changes (or the add form)."""

    kind = forms.ChoiceField(choices=[(k, k) for k in (OverlayKind.REPLACE, OverlayKind.REMOVE, OverlayKind.ADD)])
    code = forms.CharField(max_length=40, required=False)
    drug = forms.CharField(max_length=100, required=False)
    occurrence = forms.IntegerField(required=False, min_value=0, max_value=100)
    text = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(max_length=500)


class AmendForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why a new version")


def _version(case: Case, number: int) -> PlanVersion:
    version = case.plan_versions.filter(number=number).first()
    if version is None:
        raise Http404("no such plan version")
    return version


@require_GET
@staff_required()
@practice_time
def review(request: HttpRequest, case_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan review")
    versions = list(case.plan_versions.order_by("-number"))
    number = request.GET.get("v")
    version = next((v for v in versions if str(v.number) == number), versions[0] if versions else None)
    ctx: dict[str, Any] = {"case": case, "versions": versions, "version": version,
                           "can_review": roles.has_role(request.user, roles.REVIEW_PLANS),
                           "amend_form": AmendForm(), "zone": get_practice().hours.zone}
    if version is not None:
        record(request.user, Action.VIEW, ip=ip, object_type=services.OBJECT_TYPE, object_id=version.pk)
        lines = services.lines_for(version, case.language)
        ctx.update(
            actions=version.plan["actions"],
            lines=lines,
            overrides=services.override_rows(version),
            carried=services.carried_notes(version),
            open_flags=[] if version.signed else services.open_high_flags(version),
            changes=services.changes_since_signed(version),
            is_latest=version.pk == versions[0].pk,
            language_label=case.get_language_display(),
        )
    intake = case.intake if hasattr(case, "intake") else None
    ctx["intake_notes"] = intake_notes(intake.data if intake else {})
    return render(request, "plans/review.html", ctx)


def intake_notes(data: dict[str, Any]) -> list[str]:
    """Answers the engine does not take as facts, which the clinician should still see."""
    notes = []
    if data.get("kidney") == "yes":
        notes.append("Kidney disease reported (no dialysis): enter creatinine or eGFR under Labs if known.")
    if data.get("kidney") == "unknown" or "kidney" not in data:
        notes.append("Kidney disease: the patient did not say.")
    if data.get("insulin") is True:
        notes.append("Uses insulin.")
    if data.get("has_escort") is not True:
        notes.append("No adult confirmed to take the patient home.")
    if data.get("escort_name"):
        notes.append(f"Going home with: {data['escort_name']}")
    return notes


@require_POST
@staff_required()
@practice_time
def add_overlay(request: HttpRequest, case_id: UUID, number: int) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan edit")
    version = _version(case, number)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Every change needs a reason.")
    else:
        c = form.cleaned_data
        due: datetime | None = c["due"]
        if due is not None:
            due = due.replace(tzinfo=get_practice().hours.zone)
        # The console writes in the patient's language: that is the text the patient reads.
        texts = {case.language: c["text"]} if c["text"] else {}
        try:
            pathway.add_override(request.user, version, kind=OverlayKind(c["kind"]), code=c["code"],
                                 drug=c["drug"] or None, occurrence=c["occurrence"], texts=texts, due=due,
                                 reason=c["reason"], ip=ip, now=timezone.now())
            messages.success(request, "Change saved on this version.")
        except (ValueError, ImmutableError) as exc:
            messages.error(request, str(exc).capitalize() + ".")
    return redirect(f"/staff/cases/{case.pk}/plan/?v={number}")


@require_POST
@staff_required()
@practice_time
def sign(request: HttpRequest, case_id: UUID, number: int) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan sign")
    version = _version(case, number)
    acks = []
    for i, flag in enumerate(services.open_high_flags(version)):
        if request.POST.get(f"ack-{i}") == "yes":
            acks.append(services.Acknowledgement(flag["code"], flag["drug"], request.POST.get(f"note-{i}", "")[:500]))
    try:
        pathway.sign(request.user, version, acknowledged=acks, ip=ip, now=timezone.now())
        messages.success(request, f"Version {number} is signed. It can no longer change.")
        if warning := no_channel_warning(case):
            messages.warning(request, warning)
    except services.FlagsNotAcknowledged as exc:
        messages.error(request, f"Not signed: tick each high flag to show you have read it ({len(exc.left)} left).")
    except services.NeedsRadiologist:
        messages.error(request, "Not signed: this plan has premedication for a contrast allergy, which is a "
                                "radiologist's order. Ask a radiologist to review and sign it.")
    except ImmutableError as exc:
        messages.error(request, str(exc).capitalize() + ".")
    return redirect(f"/staff/cases/{case.pk}/plan/?v={number}")


@require_POST
@staff_required()
@practice_time
def amend(request: HttpRequest, case_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan amend")
    form = AmendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the signed plan needs a new version.")
        return redirect("plans:review", case_id=case.pk)
    try:
        version = pathway.amend(request.user, case, reason=form.cleaned_data["reason"], ip=ip, now=timezone.now())
    except (ValueError, ImmutableError) as exc:
        messages.error(request, str(exc).capitalize() + ".")
        return redirect("plans:review", case_id=case.pk)
    messages.success(request, f"Version {version.number} made from the signed plan. Change it, then sign it.")
    return redirect("plans:review", case_id=case.pk)


@require_POST
@staff_required()
@practice_time
def recompute(request: HttpRequest, case_id: UUID) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan recompute")
    try:
        version = pathway.recompute(request.user, case, now=timezone.now(), ip=ip)
    except services.PlanNotReady as exc:
        messages.error(request, f"No plan yet: {exc}.")
        return redirect("cases:detail", case_id=case.pk)
    if version is None:
        messages.info(request, "Nothing that matters has changed: the plan stays as it is. "
                               "To change a signed plan anyway, amend it below.")
    else:
        messages.success(request, f"Version {version.number} made. Review and sign it.")
    return redirect("plans:review", case_id=case.pk)
