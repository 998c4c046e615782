"""Patient links in views: a link's token is exchanged for a session on first open.

Shared by the intake form and the plan page. After the exchange the address
bar shows no token, so nothing secret lands in history, logs or the Referer
header; later requests find the case through the session.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kyphoplan.cases.models import Case, LinkPurpose
from kyphoplan.cases.services import link_still_usable, open_link
from kyphoplan.web.net import client_ip

INVALID_LINK_TEMPLATE = "intake/link_invalid.html"


def no_store(response: HttpResponse) -> HttpResponse:
    """Patient pages must not be kept by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response


def invalid_link(request: HttpRequest) -> HttpResponse:
    return no_store(render(request, INVALID_LINK_TEMPLATE, status=404))


def open_into_session(
    request: HttpRequest, token: str, purpose: LinkPurpose, session_key: str, next_view: str
) -> HttpResponse:
    link = open_link(token, purpose, ip=client_ip(request), now=timezone.now())
    if link is None:
        return invalid_link(request)
    request.session.cycle_key()
    request.session[session_key] = link.pk
    return redirect(next_view)


def case_in_session(request: HttpRequest, session_key: str) -> Case | None:
    link_id = request.session.get(session_key)
    link = link_still_usable(link_id, timezone.now()) if link_id else None
    return link.case if link is not None else None
