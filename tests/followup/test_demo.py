"""The demo's follow-up data is enough for real charts."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from kyphoplan.outcomes.demo import seed_followup_demo
from kyphoplan.outcomes.metrics import compute

pytestmark = pytest.mark.django_db


def test_it_seeds_enough_follow_up_for_every_chart(nora: Any) -> None:
    now = timezone.now()
    assert seed_followup_demo(now) == 120
    assert seed_followup_demo(now) == 0  # once
    d = compute(now)
    assert all(o.pain.n >= 20 and o.pain.low is not None for o in d.outcomes), [o.pain.n for o in d.outcomes]
    assert d.sla_due > 0 and 0 < d.sla_met <= d.sla_due  # the last 90 days of requests
    assert d.callback_to_procedure_days is not None and d.levels > 120
    assert sum(count for _, count in d.complications) > 0


def test_it_dates_nothing_in_the_demo_after_today(nora: Any) -> None:
    """An outside tester saw a demo complication dated two months ahead under "last 90 days"."""
    from kyphoplan.followup.models import Complication
    from kyphoplan.liaison.models import LiaisonStep

    now = timezone.now()
    seed_followup_demo(now)
    assert Complication.objects.exists()
    assert not Complication.objects.filter(occurred_on__gt=now.date()).exists()
    assert not LiaisonStep.objects.filter(closed_at__gt=now).exists()
