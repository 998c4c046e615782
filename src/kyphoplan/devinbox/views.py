"""The development inbox page: every email and text message the demo "sent"."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kyphoplan.devinbox.access import access_inbox
from kyphoplan.staff.decorators import StaffRequest, staff_required
from kyphoplan.web.net import client_ip


@require_GET
@staff_required()
def inbox(request: StaffRequest) -> HttpResponse:
    if not settings.DEV_INBOX:
        raise Http404  # production: messages go to real people, not to this page
    return render(request, "devinbox/inbox.html", {"rows": access_inbox(request.user, ip=client_ip(request))})
