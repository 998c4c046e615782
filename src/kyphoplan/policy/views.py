"""The clinical-policy page in the staff console (practice admin only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kyphoplan.policy import services
from kyphoplan.policy.forms import PolicyForm
from kyphoplan.policy.models import ClinicalPolicy
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip

HISTORY_ROWS = 50


@require_http_methods(["GET", "POST"])
@staff_required()
def policy(request: HttpRequest) -> HttpResponse:
    ip = client_ip(request)
    services.require_admin(request.user, ip=ip, what="clinical policy")
    current = services.current_values()
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("reason")
            try:
                services.change_policy(request.user, values=data, reason=reason, ip=ip, now=timezone.now())
            except (ValueError, ValidationError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Clinical policy saved. Plans computed from now on use it.")
                return redirect("policy:page")
    else:
        form = PolicyForm(initial=current)
    history = ClinicalPolicy.objects.select_related("changed_by").order_by("-changed_at", "-id")[:HISTORY_ROWS]
    return render(request, "policy/page.html", {
        "lines": services.explain(current),
        "from_settings": services.latest() is None,
        "form": form,
        "history": history,
        "columns": services.ALL_FIELDS,
    })
