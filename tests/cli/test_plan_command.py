"""`kyphoplan plan FILE`: a readable timeline, the contract JSON, and clear errors (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Runs the engine hundreds of times (or in subprocesses): the slow tier.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kyphoplan.cli", *args],
        capture_output=True, text=True, input=stdin, timeout=60, cwd=ROOT,
    )  # fmt: skip


def test_it_ships_several_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_it_prints_the_contract_for_every_example(example: Path) -> None:
    result = run("plan", str(example), "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert {"protocol", "ruleset_version", "medications", "actions", "flags"} <= set(plan)
    facts = json.loads(example.read_text())
    assert [m["input"] for m in plan["medications"]] == facts.get("medications", [])
    codes = {a["code"] for a in plan["actions"]}
    assert "bring-medication-list" in codes


def test_it_prints_a_dated_timeline() -> None:
    result = run("plan", str(EXAMPLES[0]))
    assert result.returncode == 0, result.stderr
    assert "Timeline:" in result.stdout or "Calendario:" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON at line 1"),
        ('{"as_of": "2026-12-01T10:00:00-08:00"}', "field procedure: is required"),
        (
            '{"as_of": "2026-12-01T10:00:00-08:00", "procedure": {"start": "2026-12-14T08:00:00-08:00", "timezone": "Mars/Olympus"}}',
            "field procedure.timezone: unknown time zone",
        ),
        (
            '{"as_of": "2026-12-20T10:00:00-08:00", "procedure": {"start": "2026-12-14T08:00:00-08:00", "timezone": "America/Los_Angeles"}}',
            "field procedure.start: is not after as_of",
        ),
        (
            '{"as_of": "2026-12-01T10:00:00-08:00", "procedure": {"start": "2026-12-14T08:00:00-08:00", "timezone": "America/Los_Angeles"}, "patient": {"weight_kg": -3}}',
            "field patient.weight_kg: impossible value",
        ),
        (
            '{"as_of": "2026-12-01T10:00:00-08:00", "procedure": {"start": "2026-12-14T08:00:00-08:00", "timezone": "America/Los_Angeles"}, "medicines": []}',
            "field medicines: unknown field",
        ),
    ],
)
def test_it_explains_bad_input_in_one_line_with_exit_2(content: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(content)
    result = run("plan", str(path))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_it_reports_a_missing_file_with_exit_2() -> None:
    result = run("plan", "no-such-file.json")
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_it_reads_facts_from_stdin() -> None:
    result = run("plan", "-", "--format", "json", stdin=EXAMPLES[0].read_text())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("change", "field"), [
    (lambda f: f.update(as_of="0001-01-01T00:00:00+00:00"), "as_of"),
    (lambda f: f["procedure"].update(start="9999-12-31T23:59:59+00:00"), "procedure.start"),
    (lambda f: f["procedure"].update(timezone="localtime"), "procedure.timezone"),
    (lambda f: f["procedure"].update(timezone="posixrules"), "procedure.timezone"),
    (lambda f: f["procedure"].update(timezone="Factory"), "procedure.timezone"),
    (lambda f: f.update(medications=["aspirin 81 mg"] * 10_000), "medications"),
])
def test_it_answers_extreme_input_with_one_line(change: Any, field: str) -> None:
    facts = json.loads(EXAMPLES[0].read_text())
    change(facts)
    result = run("plan", "-", stdin=json.dumps(facts))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"field {field}:" in result.stderr, result.stderr


def test_it_answers_deeply_nested_json_with_one_line() -> None:
    result = run("plan", "-", stdin="[" * 100_000 + "]" * 100_000)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "nested too deeply" in result.stderr, result.stderr
