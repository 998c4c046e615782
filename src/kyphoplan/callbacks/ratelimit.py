"""A fixed-window rate limit kept in the database, so all workers share it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from kyphoplan.callbacks.models import RateLimitCounter


def address_key(scope: str, ip: str | None) -> str:
    # Keyed hash: the counter table never holds a raw IP address (nor a phone number).
    raw = f"{scope}:{ip or 'unknown'}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), raw, hashlib.sha256).hexdigest()


def refuse_callback(ip: str | None, phone_e164: str, now: datetime) -> str | None:
    """None when a new call-back request may go in; else the limit it meets, "address" or "phone".

    Two limits, so a shared address is not blocked and a flood still is (docs/web.md): many
    people share one address (a clinic lobby, a senior centre, a care home, a carrier's NAT),
    so the address allows CALLBACK_RATE_LIMIT (30) an hour; what a flood or a prank repeats is
    the number to call, so one phone number gets CALLBACK_PHONE_RATE_LIMIT (3) a day, from
    any address. A resent form (same token) never reaches here."""
    hour = timedelta(seconds=settings.CALLBACK_RATE_WINDOW_SECONDS)
    if not hit(address_key("callback", ip), limit=settings.CALLBACK_RATE_LIMIT, window=hour, now=now):
        return "address"
    day = timedelta(seconds=settings.CALLBACK_PHONE_RATE_WINDOW_SECONDS)
    if not hit(address_key("callback-phone", phone_e164), limit=settings.CALLBACK_PHONE_RATE_LIMIT, window=day,
               now=now):
        return "phone"
    return None


def window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def hit(key: str, *, limit: int, window: timedelta, now: datetime) -> bool:
    """Count one hit. True while the key is within its limit for this window."""
    start = window_start(now, window)
    with transaction.atomic():
        try:
            with transaction.atomic():
                RateLimitCounter.objects.get_or_create(key=key, window_start=start)
        except IntegrityError:
            pass  # another worker created it first; fine
        RateLimitCounter.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1)
        hits = RateLimitCounter.objects.get(key=key, window_start=start).hits
    # Now and then, clear out old windows so the table stays small.
    if secrets.randbelow(100) == 0:
        purge_before(now, window)
    return hits <= limit


def purge_before(now: datetime, window: timedelta) -> int:
    deleted, _ = RateLimitCounter.objects.filter(window_start__lt=now - 2 * window).delete()
    return deleted
