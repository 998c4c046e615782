"""Plan review and sign-off for nurse coordinators and radiologists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cases import access, roles
from kyphoplan.cases.localtime import practice_time
from kyphoplan.plans import services
from kyphoplan.plans.models import ImmutableError, OverlayKind, PlanVersion
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip
from kyphoplan.web.practice import get_practice


class OverlayForm(forms.Form):
    kind = forms.ChoiceField(choices=OverlayKind.choices)
    action_index = forms.IntegerField(required=False, min_value=0)
    text = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(max_length=500)


def _version(case: Any, number: int) -> PlanVersion:
    return case.plan_versions.get(number=number)


@require_GET
@staff_required()
@practice_time
def review(request: HttpRequest, case_id: str) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan review")
    versions = list(case.plan_versions.order_by("-number"))
    number = request.GET.get("v")
    version = next((v for v in versions if str(v.number) == number), versions[0] if versions else None)
    ctx: dict[str, Any] = {"case": case, "versions": versions, "version": version,
                           "can_review": roles.has_role(request.user, roles.REVIEW_PLANS),
                           "overlay_form": OverlayForm(), "zone": get_practice().hours.zone}
    if version is not None:
        record(request.user, Action.VIEW, ip=ip, object_type=services.OBJECT_TYPE, object_id=version.pk)
        ctx.update(
            actions=list(enumerate(version.plan["actions"])),
            lines=services.lines_for(version, case.language),
            overlays=version.overlays.select_related("by"),
            changes=services.changes_since_signed(version),
            is_latest=version.pk == versions[0].pk,
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
def add_overlay(request: HttpRequest, case_id: str, number: int) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan edit")
    version = _version(case, number)
    form = OverlayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Every change needs a reason.")
    else:
        c = form.cleaned_data
        due: datetime | None = c["due"]
        if due is not None:
            due = due.replace(tzinfo=get_practice().hours.zone)
        try:
            services.add_overlay(request.user, version, kind=OverlayKind(c["kind"]), action_index=c["action_index"],
                                 text=c["text"], due=due, reason=c["reason"], ip=ip, now=timezone.now())
            messages.success(request, "Change saved on this version.")
        except (ValueError, ImmutableError) as exc:
            messages.error(request, str(exc).capitalize() + ".")
    return redirect(f"/staff/cases/{case.pk}/plan/?v={number}")


@require_POST
@staff_required()
@practice_time
def sign(request: HttpRequest, case_id: str, number: int) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan sign")
    try:
        services.sign(request.user, _version(case, number), ip=ip, now=timezone.now())
        messages.success(request, f"Version {number} is signed. It can no longer change.")
    except ImmutableError as exc:
        messages.error(request, str(exc).capitalize() + ".")
    return redirect(f"/staff/cases/{case.pk}/plan/?v={number}")


@require_POST
@staff_required()
@practice_time
def recompute(request: HttpRequest, case_id: str) -> HttpResponse:
    ip = client_ip(request)
    case = access.access_case(request.user, case_id, ip=ip, what="plan recompute")
    try:
        version = services.recompute_by_staff(request.user, case, now=timezone.now(), ip=ip)
    except services.PlanNotReady as exc:
        messages.error(request, f"No plan yet: {exc}.")
        return redirect("cases:detail", case_id=case.pk)
    if version is None:
        messages.info(request, "Nothing that matters has changed: the plan stays as it is.")
    else:
        from kyphoplan.reminders.services import cancel_pending

        cancel_pending(case, now=timezone.now(), why="new plan version to sign")
        messages.success(request, f"Version {version.number} made. Review and sign it.")
    return redirect("plans:review", case_id=case.pk)
