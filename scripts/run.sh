#!/usr/bin/env bash
# Runs the system on this machine: installs what is missing, then serves the web
# application with demo data on http://127.0.0.1:8000 (SQLite, no configuration).
# Extra arguments go to `kyphoplan serve` (for example: --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec uv run kyphoplan serve "$@"
