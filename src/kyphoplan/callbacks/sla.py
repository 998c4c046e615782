"""The call-back queue's service level as running tallies, one pair per day of `due_by`.

A request is "due" on the day of its `due_by` (UTC) and "met" if a call was attempted at or
before its `due_by`. Both are counted in the transaction that creates the request or
records its first on-time attempt, so the dashboard reads at most 2 × WINDOW_DAYS tally
rows (plus today's requests, whose day is not over) however many requests there are.
`due_by` is set once, when the request is made; nothing moves or deletes requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from kyphoplan.callbacks.models import CallAttempt, CallbackRequest
from kyphoplan.tallies.counters import add, read, replace

PREFIX = "callbacks:sla:"
WINDOW_DAYS = 90


def _key(kind: str, day: date) -> str:
    return f"{PREFIX}{kind}:{day.isoformat()}"


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def count_new(req: CallbackRequest) -> None:
    add(_key("due", _day(req.due_by)))


def count_attempt(attempt: CallAttempt, req: CallbackRequest) -> None:
    """After saving `attempt`: the request counts as met if this is its first on-time call."""
    if attempt.at > req.due_by:
        return
    on_time = CallAttempt.objects.filter(request=req, at__lte=req.due_by).exclude(pk=attempt.pk)
    if not on_time.exists():
        add(_key("met", _day(req.due_by)))


def _met() -> Exists:
    return Exists(CallAttempt.objects.filter(request=OuterRef("pk"), at__lte=OuterRef("due_by")))


def rebuild() -> None:
    """Recompute every day's tallies from the tables (after a bulk load or a restore)."""
    rows: dict[str, tuple[int, float, float]] = {}
    per_day = (CallbackRequest.objects.annotate(day=TruncDate("due_by", tzinfo=UTC)).values("day")
               .annotate(due=Count("pk"), met=Count("pk", filter=Q(_met()))))
    for r in per_day:
        rows[_key("due", r["day"])] = (r["due"], 0.0, 0.0)
        if r["met"]:
            rows[_key("met", r["day"])] = (r["met"], 0.0, 0.0)
    replace(PREFIX, rows)


@dataclass(frozen=True)
class ServiceLevel:
    due: int
    met: int


def service_level(now: datetime) -> ServiceLevel:
    """Requests due in the WINDOW_DAYS whole days before today (UTC) and today until `now`,
    and how many of them were called on time: whole days from the tallies, today from its rows."""
    today = _day(now)
    days = [today - timedelta(days=n) for n in range(1, WINDOW_DAYS + 1)]
    tallies = read([_key(kind, d) for d in days for kind in ("due", "met")])
    due = sum(t.n for k, t in tallies.items() if k.startswith(f"{PREFIX}due:"))
    met = sum(t.n for k, t in tallies.items() if k.startswith(f"{PREFIX}met:"))
    start = datetime.combine(today, time.min, tzinfo=UTC)
    so_far = CallbackRequest.objects.filter(due_by__gte=start, due_by__lte=now)
    return ServiceLevel(due=due + so_far.count(), met=met + so_far.filter(_met()).count())
