"""Messages that failed or may have been sent, of every kind, on one staff page; a person
sends one again or records it as delivered (after checking the provider's log)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kyphoplan.outbox.sources import SOURCES
from kyphoplan.staff.decorators import staff_required
from kyphoplan.web.net import client_ip

PERMISSION = "outbox.change_outboxmessage"
SHOWN = 100


@require_GET
@staff_required(PERMISSION)
def failed(request: HttpRequest) -> HttpResponse:
    groups = [(key, source.label, source.stuck(SHOWN)) for key, source in SOURCES.items()]
    return render(request, "outbox/failed.html", {"groups": groups, "shown": SHOWN})


@require_POST
@staff_required(PERMISSION)
def settle(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    found = SOURCES.get(source)
    action = request.POST.get("action", "")
    if found is None or action not in ("resend", "delivered"):
        raise Http404
    if found.settle(request.user, pk, action == "resend", client_ip(request), timezone.now()):
        messages.success(request, "It will be sent again." if action == "resend" else "Recorded as delivered.")
    else:
        messages.error(request, "That message is no longer waiting for a decision.")
    return redirect("outbox:failed")
