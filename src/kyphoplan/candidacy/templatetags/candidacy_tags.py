"""{% candidacy_flags case %}: the checklist's relative contraindications and blocks, for the plan review."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kyphoplan.candidacy.summary import summarize

register = template.Library()


@register.inclusion_tag("candidacy/_plan_flags.html")
def candidacy_flags(case: Any) -> dict[str, Any]:
    # The case was read (and audited) by the page that includes this.
    s = summarize(case, as_of=timezone.now())
    return {"case": case, "review": s.review, "answered": s.candidacy is not None}
