#!/usr/bin/env bash
# Runs every check: lint, types, and the whole test suite on SQLite and on PostgreSQL.
# Installs what it needs first, so it works from a clean clone on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

echo "== ruff"
uv run ruff check src tests bench
echo "== mypy (strict on kyphoplan.clinical)"
uv run mypy

echo "== tests on SQLite (recording every FHIR resource they produce)"
rm -rf var/fhir-produced
KYPHOPLAN_FHIR_RECORD=var/fhir-produced uv run pytest -q -p no:cacheprovider "$@"

echo "== independent FHIR validation (npm fhir, US Core where claimed)"
node scripts/validate_fhir.cjs var/fhir-produced

if [ -z "${KYPHOPLAN_SKIP_POSTGRES:-}" ]; then
  echo "== tests on PostgreSQL"
  # A database name of its own: pytest-django creates and drops "test_kyphoplan_ci",
  # so a developer's concurrent run against another name cannot collide with it.
  DATABASE_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/kyphoplan_ci}" \
    uv run pytest -q -p no:cacheprovider "$@"
fi
