"""The /api/v1/ API object: token auth, one error shape, one router per resource."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser

from kyphoplan.api import errors
from kyphoplan.api.auth import TokenAuth
from kyphoplan.api.routers import bookings, callbacks, candidacy, cases, intake, pathway, plans
from kyphoplan.web.jsonbody import BadJson, load_json


class BoundedJsonParser(Parser):
    """Bodies through web.jsonbody: deep nesting and NUL characters are a 400 (PostgreSQL refuses
    NUL in text: a fuzzed case name with one was a 500 there). django-ninja words every parser
    refusal "Cannot parse request body", adding the reason only under DEBUG."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return load_json(request.body)
        except BadJson as exc:
            raise HttpError(400, str(exc)) from None


class KyphoplanApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        # Short ids for generated clients ("list_bookings", not "kyphoplan_api_routers_bookings_…"):
        # the view's name, which is unique across the routers (the schema generator warns otherwise).
        return str(operation.view_func.__name__)


api = KyphoplanApi(
    title="kyphoplan",
    version="1",
    description=(
        "Integration API. Authenticate with `Authorization: Bearer <token>` (made by "
        "`manage.py create_api_token`); each route names the scope it needs. Errors are "
        '`{"error": {"code", "message", "field"}}`. Plans are decision support: medication '
        "changes take effect only after a clinician signs."
    ),
    auth=TokenAuth(),
    parser=BoundedJsonParser(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)
errors.install(api)
api.add_router("/plans", plans.router)
api.add_router("/callbacks", callbacks.router)
api.add_router("/cases", cases.router)
api.add_router("/cases", intake.router)
api.add_router("/cases", pathway.router)
api.add_router("/bookings", bookings.router)
api.add_router("/candidacy", candidacy.router)
