"""Template context shared by every page."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from kyphoplan.web.practice import get_practice


def practice(request: HttpRequest) -> dict[str, object]:
    # The language switch is two plain links to this same page: no JavaScript, no form.
    switch = {code: translate_url(request.path, code) for code in ("en", "es")}
    practice = get_practice()
    return {
        "practice": practice,
        "language_links": switch,
        "open_days": open_days_label(practice.hours.open_weekdays),
        "zone_label": zone_label(practice.hours.zone, timezone.now()),
        "dev_inbox": settings.DEV_INBOX,
    }


def zone_label(zone: ZoneInfo, now: datetime) -> str:
    """ "America/Los_Angeles, PST": the label beside staff times (staff may work elsewhere)."""
    abbrev = now.astimezone(zone).tzname() or ""
    return f"{zone.key}, {abbrev}" if abbrev and not abbrev.startswith(("+", "-")) else zone.key


def open_days_label(weekdays: frozenset[int]) -> str:
    """ "Monday to Friday" for a run of days, else a list, in the active language."""
    days = sorted(weekdays)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return _("%(first)s to %(last)s") % {
            "first": WEEKDAYS[days[0]],
            "last": WEEKDAYS[days[-1]],
        }
    return ", ".join(str(WEEKDAYS[d]) for d in days)
