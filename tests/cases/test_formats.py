"""Dates on staff pages as people read them: one format, in practice time."""

from __future__ import annotations

import re
from typing import Any

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
FULL_MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
ISO = re.compile(r"\d{4}-\d\d-\d\d")


def _main(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html[html.index("<main"):])
    return " ".join(text.split())


def _dates_in_one_format(text: str) -> list[str]:
    """Every day-and-month on the page that is not "Wed 25 Nov 2026" (with ", 08:00" or not)."""
    odd = [m.group(0) for m in re.finditer(rf"\S+ \d{{1,2}} ({MONTHS})\b\S* ?\S*", text)
           if not re.fullmatch(rf"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{{1,2}} ({MONTHS}) \d{{4}},?", m.group(0))]
    return odd + re.findall(rf"\b({FULL_MONTHS}) \d", text) + ISO.findall(text)


def test_it_shows_sam_every_date_on_a_case_page_in_one_format(maria_submitted: Any, sam: Any, verified: Any,
                                                              client: Any) -> None:
    verified(sam)
    page = _main(client.get(f"/staff/cases/{maria_submitted.pk}/").content.decode())
    assert "Tue 2 Mar 1948" in page and "Fri 20 Nov 2026" in page and "Mon 14 Dec 2026, 08:00" in page
    assert _dates_in_one_format(page) == []


def test_it_shows_nora_the_procedure_date_in_words_on_the_plan_review(maria_submitted: Any, nora: Any,
                                                                      verified: Any, client: Any) -> None:
    verified(nora)
    page = _main(client.get(f"/staff/cases/{maria_submitted.pk}/plan/").content.decode())
    assert "Procedure Mon 14 Dec 2026, 08:00" in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page)


def test_it_says_once_why_nora_s_signature_was_refused(maria_submitted: Any, nora: Any, verified: Any,
                                                       client: Any) -> None:
    verified(nora)
    page = client.post(f"/staff/cases/{maria_submitted.pk}/plan/1/sign/", follow=True).content.decode()
    assert page.count("Not signed: tick each high flag") == 1
