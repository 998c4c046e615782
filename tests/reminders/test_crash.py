"""Kill the reminder worker (SIGKILL) in the middle of a batch, start it again, and check
that every reminder reached the SMTP server exactly once.

The kill lands at the worst moment: the server has the message and the worker has
not yet recorded it. That message becomes IN_DOUBT and is not sent again; the
messages the dead worker had claimed but not started are sent by the new worker
once their lease runs out.

The worker is a separate process, so it needs a database it can reach: on
PostgreSQL the test database; on SQLite a fresh file database made for this test.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from tests.reminders.sinks import SmtpSink

COUNT = 12
KILL_AT = 4  # the worker dies while the server holds message 4

SEED = f"""
from datetime import timedelta
from django.utils import timezone
from kyphoplan.cases.models import Case
from kyphoplan.reminders.models import Reminder
now = timezone.now()
case = Case.objects.create(reference="KC-CRSH-TEST", created_at=now, updated_at=now, patient_name="Maria",
                           email="maria@example.org")
for n in range({COUNT}):
    Reminder.objects.create(case=case, key=f"crash-{{n:02d}}", kind="last-dose", channel="email",
                            to="maria@example.org", language="en", subject=f"Reminder {{n}}",
                            body="Today is the last day.", send_at=now, event_at=now,
                            next_attempt_at=now - timedelta(seconds=1))
"""


class World:
    """Where the worker's database is, and how the test reads reminder statuses from it."""

    def __init__(self, env: dict[str, str], statuses: object) -> None:
        self.env = env
        self.statuses = statuses  # () -> Counter of status

    def run(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "django", *args], env=self.env, check=True,
                       stdout=subprocess.DEVNULL)

    def worker(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "django", "send_reminders", "--loop", "0.2", "--batch", "5"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _base_env(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="kyphoplan.web.settings_demo", KYPHOPLAN_EMAIL_HOST="127.0.0.1",
               KYPHOPLAN_EMAIL_PORT=str(port), KYPHOPLAN_REMINDER_LEASE_SECONDS="5")
    return env


def _postgres_world(port: int) -> World:
    from kyphoplan.reminders.models import Reminder

    db = connection.settings_dict
    env = _base_env(port)
    env["DATABASE_URL"] = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    world = World(env, lambda: Counter(Reminder.objects.values_list("status", flat=True)))
    world.run("shell", "-c", SEED)
    return world


def _sqlite_world(port: int, folder: Path) -> World:
    env = _base_env(port)
    env["KYPHOPLAN_DATA_DIR"] = str(folder)

    def statuses() -> Counter[str]:
        with sqlite3.connect(folder / "kyphoplan.sqlite3", timeout=20) as db:
            return Counter(row[0] for row in db.execute("SELECT status FROM reminders_reminder"))

    world = World(env, statuses)
    world.run("migrate", "--noinput")
    world.run("shell", "-c", SEED)
    return world


def _wait(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_delivers_every_reminder_once_across_a_worker_crash(tmp_path: Path) -> None:
    worker: list[subprocess.Popen[bytes]] = []

    def kill_mid_batch(received: int) -> None:
        if received == KILL_AT:
            os.kill(worker[0].pid, signal.SIGKILL)
            worker[0].wait()

    with SmtpSink(on_message=kill_mid_batch) as sink:
        world = (_postgres_world(sink.port) if connection.vendor == "postgresql"
                 else _sqlite_world(sink.port, tmp_path))
        worker.append(world.worker())
        _wait(lambda: worker[0].poll() is not None, 60)
        assert worker[0].returncode == -signal.SIGKILL
        left = world.statuses()
        assert left["sending"] == 1 and left["sent"] == KILL_AT - 1

        restarted = world.worker()
        try:
            _wait(lambda: not {"scheduled", "claimed", "sending"} & set(world.statuses()), 60)
        finally:
            restarted.terminate()
            restarted.wait(10)

    received = Counter(sink.ids())
    assert sorted(received) == [f"<crash-{n:02d}@kyphoplan>" for n in range(COUNT)]
    assert set(received.values()) == {1}  # every reminder delivered, none twice
    assert world.statuses() == {"sent": COUNT - 1, "in_doubt": 1}  # the killed one is flagged for a person
