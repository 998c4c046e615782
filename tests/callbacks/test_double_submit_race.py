"""Two copies of Maria's form arrive at the same moment: one request, one reference."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.callbacks.services import NewRequest, submit_request
from kyphoplan.outbox.models import OutboxMessage
from kyphoplan.web.practice import get_practice

DATA = NewRequest("Maria Race", "+14155550150", "", "en", "other", [], [], True, False)


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_request_from_simultaneous_posts() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("the test database is in-memory SQLite, which runs one thread at a time")
    barrier = threading.Barrier(4)
    results: list[Any] = []

    def post() -> None:
        try:
            barrier.wait()
            results.append(
                submit_request(
                    DATA,
                    form_token="race-token-000000000001",
                    ip="10.0.0.1",
                    now=timezone.now(),
                    practice=get_practice(),
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert len({req.reference for req, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert CallbackRequest.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_holds_the_rate_limit_under_concurrent_hits() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("the test database is in-memory SQLite, which runs one thread at a time")
    from datetime import timedelta

    from kyphoplan.callbacks.ratelimit import hit

    barrier = threading.Barrier(10)
    allowed: list[bool] = []
    now = timezone.now()

    def one() -> None:
        try:
            barrier.wait()
            allowed.append(hit("k" * 64, limit=5, window=timedelta(hours=1), now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(allowed) == [False] * 5 + [True] * 5


@pytest.mark.django_db
def test_it_draws_a_new_reference_when_one_clashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from kyphoplan.callbacks import services

    refs = iter(["KP-AAAA-AAAA", "KP-AAAA-AAAA", "KP-BBBB-BBBB"])
    monkeypatch.setattr(services, "new_reference", lambda: next(refs))
    first, _ = submit_request(
        DATA, form_token="clash-token-0000000001", ip=None, now=timezone.now(), practice=get_practice()
    )
    second, created = submit_request(
        DATA, form_token="clash-token-0000000002", ip=None, now=timezone.now(), practice=get_practice()
    )
    assert (first.reference, second.reference, created) == ("KP-AAAA-AAAA", "KP-BBBB-BBBB", True)
