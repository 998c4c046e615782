#!/usr/bin/env bash
# Runs every check: lint, types, migrations, and the test suite in tiers on SQLite, a
# clock-shifted pass, and the suite on PostgreSQL.
# Installs what it needs first, so it works from a clean clone on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

echo "== ruff"
uv run ruff check src tests bench
echo "== mypy"
uv run mypy

echo "== migrations match the models"
DJANGO_SETTINGS_MODULE=kyphoplan.web.settings_demo KYPHOPLAN_DATA_DIR="$(mktemp -d)" \
  uv run python -m kyphoplan.web.manage makemigrations --check --dry-run

# Both SQLite tiers record every FHIR resource they produce (one file per distinct resource,
# so parallel workers do not collide) for the independent validator below.
rm -rf var/fhir-produced
echo "== fast tests on SQLite (parallel)"
KYPHOPLAN_FHIR_RECORD=var/fhir-produced \
  uv run pytest -q -p no:cacheprovider -m "not slow and not browser" -n auto "$@"

echo "== slow and browser tests on SQLite"
KYPHOPLAN_FHIR_RECORD=var/fhir-produced uv run pytest -q -p no:cacheprovider -m "slow or browser" "$@"

echo "== independent FHIR validation (npm fhir, US Core where claimed)"
node scripts/validate_fhir.cjs var/fhir-produced

echo "== clock-sensitive tests 400 days ahead (faketime)"
# The root conftest pins Python's clock with time-machine; subprocesses and anything else
# that reads the real clock see a date 400 days on, so a fixture that silently depends on
# today's date fails here.
faketime -f '+400d' uv run pytest -q -p no:cacheprovider -m "not browser" -n auto \
  tests/pathway tests/cases tests/plans tests/reminders tests/booking tests/patient tests/intake \
  tests/callbacks tests/api tests/fhir tests/cdshooks "$@"

if [ -z "${KYPHOPLAN_SKIP_POSTGRES:-}" ]; then
  echo "== tests on PostgreSQL"
  # A database name of its own: pytest-django creates and drops "test_kyphoplan_ci"
  # (one per xdist worker, suffixed), so a developer's concurrent run against another
  # name cannot collide with it.
  DATABASE_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/kyphoplan_ci}" \
    uv run pytest -q -p no:cacheprovider -n auto "$@"
fi
