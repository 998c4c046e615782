#!/usr/bin/env bash
# Installs the machine packages and the Python environment. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need_apt+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# libfaketime: the clock-shifted test pass (scripts/test.sh) runs tests with the process clock moved ahead.
command -v faketime >/dev/null 2>&1 || need_apt+=(faketime)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing system packages: ${need_apt[*]} (install them as root)" >&2
    exit 1
  fi
fi

command -v uv >/dev/null 2>&1 || python3 -m pip install -q uv
uv sync --frozen -q

# From the npm registry into the ignored var/ folder, pinned so every run checks the same
# rules: axe-core (MPL-2.0) for the accessibility checks in the browser tests, and fhir
# (FHIR.js, ISC) as the independent FHIR validator (scripts/validate_fhir.cjs).
# One install for both: an npm install without a package.json removes what it did not name.
AXE_VERSION=4.14.1
FHIR_JS_VERSION=4.12.0
if ! grep -q "\"version\": \"$AXE_VERSION\"" var/node/node_modules/axe-core/package.json 2>/dev/null \
   || ! grep -q "\"version\": \"$FHIR_JS_VERSION\"" var/node/node_modules/fhir/package.json 2>/dev/null; then
  npm install --prefix var/node --no-audit --no-fund --no-save --silent \
    "axe-core@$AXE_VERSION" "fhir@$FHIR_JS_VERSION" </dev/null
fi
