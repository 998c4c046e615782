"""Kill the reminder worker (SIGKILL) in the middle of a batch, start it again, and check
that every reminder reached the SMTP server exactly once.

The kill lands at the worst moment: the server has the message and the worker has
not yet recorded it. That message becomes IN_DOUBT and is not sent again; the
messages the dead worker had claimed but not started are sent by the new worker
once their lease runs out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kyphoplan.reminders.models import Reminder, ReminderStatus
from tests.reminders.sinks import SmtpSink

COUNT = 12
KILL_AT = 4  # the worker dies while the server holds message 4


def _worker(port: int) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kyphoplan.web.settings_demo",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "KYPHOPLAN_EMAIL_HOST": "127.0.0.1",
        "KYPHOPLAN_EMAIL_PORT": str(port),
        "KYPHOPLAN_REMINDER_LEASE_SECONDS": "5",
    }
    return subprocess.Popen([sys.executable, "-m", "django", "send_reminders", "--loop", "0.2", "--batch", "5"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_delivers_every_reminder_once_across_a_worker_crash(maria_case):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share: PostgreSQL")
    now = timezone.now()
    for n in range(COUNT):
        Reminder.objects.create(
            case=maria_case, key=f"crash-{n:02d}", kind="last-dose", channel="email", to="maria@example.org",
            language="en", subject=f"Reminder {n}", body="Today is the last day.", send_at=now, event_at=now,
            next_attempt_at=now - timedelta(seconds=1))
    worker: list[subprocess.Popen[bytes]] = []

    def kill_mid_batch(received: int) -> None:
        if received == KILL_AT:
            os.kill(worker[0].pid, signal.SIGKILL)
            worker[0].wait()

    with SmtpSink(on_message=kill_mid_batch) as sink:
        worker.append(_worker(sink.port))
        _wait(lambda: worker[0].poll() is not None, 60)
        assert worker[0].returncode == -signal.SIGKILL
        left = Counter(Reminder.objects.values_list("status", flat=True))
        assert left[ReminderStatus.SENDING] == 1 and left[ReminderStatus.SENT] == KILL_AT - 1

        restarted = _worker(sink.port)
        try:
            _wait(lambda: not Reminder.objects.filter(status__in=[
                ReminderStatus.SCHEDULED, ReminderStatus.CLAIMED, ReminderStatus.SENDING]).exists(), 60)
        finally:
            restarted.terminate()
            restarted.wait(10)

    received = Counter(sink.ids())
    assert sorted(received) == sorted(f"<crash-{n:02d}@kyphoplan>" for n in range(COUNT))
    assert set(received.values()) == {1}
    final = Counter(Reminder.objects.values_list("status", flat=True))
    assert final == {ReminderStatus.SENT: COUNT - 1, ReminderStatus.IN_DOUBT: 1}
    doubt = Reminder.objects.get(status=ReminderStatus.IN_DOUBT)
    assert f"<{doubt.key}@kyphoplan>" in received  # in doubt for us, delivered once in fact
