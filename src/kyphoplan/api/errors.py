"""One error body for the whole API: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _body(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
          field: str | None = None) -> HttpResponse:
    return api.create_response(request, {"error": {"code": code, "message": message, "field": field}},
                               status=status)


def _field(loc: list[Any]) -> str:
    # ninja puts the parameter source first ("body", "query") and then the argument name.
    parts = [str(p) for p in loc[2:]] if len(loc) > 2 and loc[0] == "body" else [str(p) for p in loc[1:]]
    return ".".join(parts) or str(loc[-1])


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _body(api, request, exc.status, exc.code, exc.message, exc.field)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {"loc": [], "msg": "invalid request"}
        return _body(api, request, 422, "invalid", str(first.get("msg")), _field(list(first.get("loc", []))))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _body(api, request, 401, "unauthenticated", "a valid integration token is required")
        response.headers["WWW-Authenticate"] = 'Bearer realm="kyphoplan"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _body(api, request, 403, "forbidden", "the token's owner may not do this")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _body(api, request, 404, "not-found", "no such record")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _body(api, request, exc.status_code, "error", str(exc))
