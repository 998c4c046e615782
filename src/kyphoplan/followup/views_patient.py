"""The patient's check-in page, /<language>/f/<signed token>/: a plain form, no JavaScript."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from kyphoplan.cases.link_views import no_store
from kyphoplan.followup.access import checkin_by_token
from kyphoplan.followup.answers import OPEN, AnswerError, CheckInClosed, answer_checkin
from kyphoplan.followup.instruments import for_timepoint, item_text
from kyphoplan.followup.timepoints import TimePoint

NRS_SCALE = (0, 10)


def _questions(point: TimePoint, language: str, form: dict[str, str], problems: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for inst in for_timepoint(point):
        for item in inst.items:
            out.append({
                "id": item.link_id, "type": item.type, "text": item_text(item, language),
                "value": form.get(item.link_id, ""), "problem": problems.get(item.link_id, ""),
                "scale": (item.low, item.high) == NRS_SCALE, "low": item.low, "high": item.high,
                "values": range(item.low, item.high + 1) if item.low is not None and item.high is not None else [],
                "options": [(code, text.get(language) or text["en"]) for code, text in item.options],
            })
    return out


def _closed(request: HttpRequest, status: int = 410) -> HttpResponse:
    return no_store(render(request, "followup/checkin_closed.html", status=status))


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    row = checkin_by_token(token)
    if row is None:
        return _closed(request, 404)
    if row.status not in OPEN or now >= row.closes_at:
        return _closed(request)
    language = translation.get_language() or row.case.language
    # get() is the last value of each field, as items() gives, but always a str.
    form = ({k: request.POST.get(k, "") for k in request.POST if k != "csrfmiddlewaretoken"}
            if request.method == "POST" else {})
    problems: dict[str, str] = {}
    if request.method == "POST":
        try:
            answered = answer_checkin(row, form, now=now)
        except AnswerError as exc:
            problems = exc.problems
        except CheckInClosed:
            return _closed(request)
        else:
            return no_store(render(request, "followup/checkin_done.html", {"flagged": bool(answered.red_flags)}))
    context = {"questions": _questions(TimePoint(row.timepoint), language, form, problems), "problems": problems}
    return no_store(render(request, "followup/checkin.html", context, status=400 if problems else 200))
