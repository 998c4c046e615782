"""The prior-authorization packet: one English PDF (letter of medical necessity, payer criteria
with their evidence, codes, imaging findings, conservative-care history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.template.loader import render_to_string
from django.utils import translation

from kyphoplan.candidacy.models import ChecklistSignoff
from kyphoplan.candidacy.summary import Summary
from kyphoplan.clinical.grading import one_decimal
from kyphoplan.plans.services import procedure_start
from kyphoplan.web.practice import get_practice


def packet_context(s: Summary, *, now: datetime) -> dict[str, Any]:
    practice = get_practice()
    zone = practice.hours.zone
    start = procedure_start(s.case)
    planned = [lv for lv in s.levels if lv.planned]
    return {
        "s": s, "case": s.case, "practice": practice, "generated": now.astimezone(zone),
        "date_of_service": start.astimezone(zone) if start else None,
        "payer": s.selected_payer,
        "planned": planned,
        "levels": [{"lv": lv, "loss": one_decimal(lv.assessment.max_loss),
                    "anterior": one_decimal(lv.assessment.anterior_loss),
                    "middle": one_decimal(lv.assessment.middle_loss),
                    "posterior": one_decimal(lv.assessment.posterior_loss)} for lv in s.levels],
        "signoff": ChecklistSignoff.objects.filter(case=s.case).select_related("signed_by").first(),
        "met": [r for r in (s.selected_payer.results if s.selected_payer else []) if r.outcome.value == "met"],
    }


def packet_pdf(s: Summary, *, now: datetime, base_url: str) -> bytes:
    # WeasyPrint takes seconds to import: load it when a packet is made, not with the URLs (as patient/documents.py).
    from weasyprint import HTML

    with translation.override("en"):
        html = render_to_string("candidacy/packet.html", packet_context(s, now=now))
    # WeasyPrint ships no type information; write_pdf() with no target returns the PDF's bytes.
    return cast(bytes, HTML(string=html, base_url=base_url).write_pdf())
