"""The development inbox page: every email and text message the demo "sent"."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kyphoplan.devinbox.models import DevMessage
from kyphoplan.staff.decorators import staff_required


@require_GET
@staff_required()
def inbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEV_INBOX:
        raise Http404  # production: messages go to real people, not to this page
    return render(request, "devinbox/inbox.html", {"rows": DevMessage.objects.all()[:100]})
