"""`kyphoplan serve` runs gunicorn, builds links from the port it serves, and keeps the demo's
email in its development inbox. Runs the real command in a subprocess (real clock)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kyphoplan.web.serve import demo_environment, free_port

pytestmark = pytest.mark.slow


def test_it_points_links_at_the_served_port_unless_told_otherwise() -> None:
    env = demo_environment(8123, 2525, "http://127.0.0.1:2626", {})
    assert env["KYPHOPLAN_BASE_URL"] == "http://127.0.0.1:8123"
    assert env["KYPHOPLAN_EMAIL_PORT"] == "2525" and env["KYPHOPLAN_SMS_API_URL"] == "http://127.0.0.1:2626"
    mine = demo_environment(8123, 2525, "x", {"KYPHOPLAN_BASE_URL": "https://demo.example.org"})
    assert mine["KYPHOPLAN_BASE_URL"] == "https://demo.example.org"


def test_it_serves_the_demo_with_gunicorn_and_catches_its_email(tmp_path: Path) -> None:
    port = free_port()
    # The demo as a newcomer runs it: SQLite in its data folder, whatever database this test run uses.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KYPHOPLAN_", "DJANGO_", "DATABASE_URL"))}
    env["KYPHOPLAN_DATA_DIR"] = str(tmp_path)
    server = subprocess.Popen([sys.executable, "-m", "kyphoplan.cli", "serve", "--port", str(port)], env=env,
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        headers = None
        while time.monotonic() < deadline and headers is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=2) as answer:
                    headers = answer.headers
            except OSError:
                time.sleep(0.5)
        assert headers is not None, "the demo did not answer"
        assert headers["Server"].startswith("gunicorn")
        # The demo's four call-back requests email the scheduling inbox, and the one with an
        # address gets its confirmation; the worker sends every 5 s.
        rows: list[tuple[str, str]] = []
        while time.monotonic() < deadline + 30 and len(rows) < 5:
            time.sleep(1)
            with sqlite3.connect(tmp_path / "kyphoplan.sqlite3") as db:
                rows = list(db.execute("select [to], body from devinbox_devmessage where channel='email'"))
        notices = [body for to, body in rows if to == "scheduling@example.org"]
        assert len(notices) == 4 and [to for to, _ in rows if to != "scheduling@example.org"] == ["jc@example.org"]
        assert all(f"http://127.0.0.1:{port}/staff/requests/" in b for b in notices), notices[0]
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert server.returncode == 0, out.decode()[-2000:]
