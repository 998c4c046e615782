"""{% candidacy_flags case %}: the checklist's relative contraindications and blocks, for the plan review."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kyphoplan.candidacy.models import ChecklistSignoff
from kyphoplan.candidacy.summary import summarize

register = template.Library()


@register.inclusion_tag("candidacy/_plan_flags.html")
def candidacy_flags(case: Any) -> dict[str, Any]:
    # The case was read (and audited) by the page that includes this.
    s = summarize(case, as_of=timezone.now())
    return {"case": case, "review": s.review, "answered": s.candidacy is not None}


@register.inclusion_tag("candidacy/_booking_gate.html")
def candidacy_gate(case: Any) -> dict[str, Any]:
    """On the booking page: whether the checklist blocks booking, and whether it is signed."""
    s = summarize(case, as_of=timezone.now())
    return {"case": case, "review": s.review,
            "signoff": ChecklistSignoff.objects.filter(case=case).select_related("signed_by").first()}
