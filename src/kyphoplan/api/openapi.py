"""The committed OpenAPI snapshot (docs/openapi.json): a test fails when the live schema drifts;
`manage.py refresh_openapi` rewrites it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"
URL = "/api/v1/openapi.json"


def live_schema() -> dict[str, Any]:
    from kyphoplan.api.main import api

    schema: dict[str, Any] = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    return schema


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
