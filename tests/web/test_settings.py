"""Alex the admin deploys kyphoplan: settings fail closed, the demo starts with data."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kyphoplan.web.env import EnvError, database_from_url, env_bool, env_int, env_str

STRONG_SECRET = "Zq8#vL2!pR7@kT4$wN9%bX6^cM3&fH5*jD1(gS0)yU8-eA2+iO4=" * 2


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KYPHOPLAN_")
        and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_it_reads_booleans_strictly() -> None:
    assert env_bool("X", environ={"X": "1"}) is True
    assert env_bool("X", environ={"X": "0"}) is False
    assert env_bool("X", environ={}) is False
    with pytest.raises(EnvError):
        env_bool("X", environ={"X": "maybe"})


def test_it_requires_what_is_required() -> None:
    with pytest.raises(EnvError):
        env_str("X", required=True, environ={})
    with pytest.raises(EnvError):
        env_int("X", 5, minimum=1, environ={"X": "0"})


def test_it_parses_database_urls() -> None:
    db = database_from_url("postgresql://postgres:s%40cret@127.0.0.1:5432/kp")
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "kp",
        "postgres",
        "s@cret",
        "127.0.0.1",
        "5432",
    )
    with pytest.raises(EnvError):
        database_from_url("mysql://x@y/z")


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    env = clean_env(DJANGO_SETTINGS_MODULE="kyphoplan.web.settings", KYPHOPLAN_DATA_DIR=str(tmp_path))
    result = run(["-m", "kyphoplan.web.manage", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "KYPHOPLAN_SECRET_KEY must be set" in result.stderr


def test_it_passes_check_deploy_in_production_mode(tmp_path: Path) -> None:
    env = clean_env(
        DJANGO_SETTINGS_MODULE="kyphoplan.web.settings",
        KYPHOPLAN_SECRET_KEY=STRONG_SECRET,
        KYPHOPLAN_ALLOWED_HOSTS="kyphoplan.example.org",
        KYPHOPLAN_DATA_DIR=str(tmp_path),
    )
    result = run(["-m", "kyphoplan.web.manage", "check", "--deploy"], env, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    # No deployment (security.*) or lockout (axes.*) warning may remain.
    for tag in ("(security.", "(axes.", "(otp"):
        assert tag not in result.stderr + result.stdout
    probe = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)",
        ],
        env,
        tmp_path,
    )
    assert probe.stdout.split() == ["False", "True", "True"]


def test_it_sets_up_the_demo_once_with_wal_sqlite(tmp_path: Path) -> None:
    env = clean_env(KYPHOPLAN_DATA_DIR=str(tmp_path))
    code = "from kyphoplan.web.serve import main; raise SystemExit(main(['--no-serve']))"
    first = run(["-c", code], env, tmp_path)
    assert first.returncode == 0, first.stderr
    for name in ("sam", "nora", "rita", "alex"):
        assert name in first.stdout
    assert "otpauth://totp/" in first.stdout
    assert "Added 4 demo call-back requests" in first.stdout
    assert "Added 120 treated demo patients with follow-up answers" in first.stdout
    second = run(["-c", code], env, tmp_path)
    assert second.returncode == 0
    assert "password:" not in second.stdout  # printed once, on creation only
    db = sqlite3.connect(tmp_path / "kyphoplan.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # The 4 open requests of the queue, and the (scheduled) ones the 120 follow-up patients came from.
    assert db.execute("SELECT count(*) FROM callbacks_callbackrequest").fetchone()[0] == 4 + 120
    assert db.execute("SELECT count(*) FROM followup_followup").fetchone()[0] == 120
    db.close()


def test_it_stops_on_a_malformed_setting(tmp_path: Path) -> None:
    env = clean_env(
        DJANGO_SETTINGS_MODULE="kyphoplan.web.settings",
        KYPHOPLAN_SECRET_KEY=STRONG_SECRET,
        KYPHOPLAN_HTTPS="maybe",
        KYPHOPLAN_DATA_DIR=str(tmp_path),
    )
    result = run(["-m", "kyphoplan.web.manage", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "KYPHOPLAN_HTTPS must be 1 or 0" in result.stderr
