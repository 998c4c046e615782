"""Add to a tally inside the caller's transaction; read all tallies at once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from kyphoplan.tallies.models import Tally


def add(key: str, value: float = 0.0, *, count: int = 1) -> None:
    """Count `value` in (count=1) or take it out again (count=−1): n, its sum and its sum of squares."""
    sign = 1 if count >= 0 else -1
    change = {"n": F("n") + count, "total": F("total") + sign * value, "squares": F("squares") + sign * value * value}
    if Tally.objects.filter(key=key).update(**change):
        return
    try:
        with transaction.atomic():
            Tally.objects.create(key=key)
    except IntegrityError:
        pass  # another transaction created it first
    Tally.objects.filter(key=key).update(**change)


def read_all() -> dict[str, Tally]:
    return {t.key: t for t in Tally.objects.all()}


def read(keys: list[str]) -> dict[str, Tally]:
    """The named tallies (by the unique index on key); a missing key is a tally of nothing."""
    return {t.key: t for t in Tally.objects.filter(key__in=keys)}


def read_prefixes(*prefixes: str) -> dict[str, Tally]:
    """Every tally under one of `prefixes` (the key index serves `startswith` on PostgreSQL)."""
    query = Q()
    for prefix in prefixes:
        query |= Q(key__startswith=prefix)
    return {t.key: t for t in Tally.objects.filter(query)}


def replace(prefix: str, rows: dict[str, tuple[int, float, float]]) -> None:
    """Set every tally under `prefix` to the given (n, total, squares): for rebuilds."""
    with transaction.atomic():
        Tally.objects.filter(key__startswith=prefix).delete()
        Tally.objects.bulk_create([Tally(key=k, n=n, total=t, squares=s) for k, (n, t, s) in rows.items()])
