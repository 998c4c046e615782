"""Dashboard benchmark: the practice dashboard (/staff/outcomes/) at 10k and 100k treated
cases, each timed beside GET /hello (a bare view) in the same run and printed as a ratio.

    uv run python bench/bench_dashboard.py [--database-url URL] [--repeat 15]

Fills a fresh database (a temporary SQLite file, or the PostgreSQL database you name,
which it empties first) with demo follow-up data (outcomes.demo.seed_outcomes: six
check-ins, six bone-health steps and a call-back per case), then requests each page
through Django's test client, signed in as a nurse. Prints the median of `--repeat` runs.
It is not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 10_000


def _median_ms(client: Any, path: str, repeat: int) -> float:
    client.get(path)  # warm: templates, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    data = tempfile.mkdtemp(prefix="kyphoplan-bench-dash-")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # SQLite in KYPHOPLAN_DATA_DIR
    os.environ["KYPHOPLAN_DATA_DIR"] = data
    os.environ["DJANGO_SETTINGS_MODULE"] = "kyphoplan.web.settings_demo"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kyphoplan.outcomes.demo import seed_outcomes
    from kyphoplan.staff.roles import Role, ensure_roles

    setup_test_environment()
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    nora = get_user_model().objects.create_user(username="bench-nora")
    nora.groups.add(ensure_roles()[Role.NURSE])
    device = TOTPDevice.objects.create(user=nora, name="bench", confirmed=True)

    def signed_in() -> Client:
        # A fresh session per measurement: seeding 100k cases outlasts the idle timeout.
        client = Client()
        client.force_login(nora)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    now = timezone.now()
    engine = "postgresql" if args.database_url else "sqlite"
    print(f"database: {engine}; load average {os.getloadavg()[0]:.2f}; median of {args.repeat} requests")
    print(f"{'cases':>8} {'GET /hello ms':>14} {'GET /staff/outcomes/ ms':>24} {'ratio':>8}  (seeding s)")
    seeded = 0
    for target in (10_000, 100_000):
        start = time.perf_counter()
        while seeded < target:
            seed_outcomes(now, cases=CHUNK, seed=seeded, staff=nora, prefix=f"B{seeded // CHUNK:02d}", rebuild=False)
            seeded += CHUNK
        call_command("rebuild_tallies", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        seeding = time.perf_counter() - start
        if engine.startswith("postgres"):
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        client = signed_in()
        hello = _median_ms(client, "/hello", args.repeat)
        dashboard = _median_ms(client, "/staff/outcomes/", args.repeat)
        print(f"{target:>8} {hello:>14.2f} {dashboard:>24.1f} {dashboard / hello:>7.0f}x  ({seeding:.0f})")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
