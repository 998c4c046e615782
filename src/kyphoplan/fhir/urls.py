"""Mounted at /fhir/. Every view answers through `protocol.fhir_endpoint` (JSON only,
OperationOutcome errors, CORS); any other path gets a 404 OperationOutcome."""

from django.urls import path, re_path

from kyphoplan.fhir import views
from kyphoplan.fhir.protocol import fhir_endpoint, unrouted

app_name = "fhir"

_GET = fhir_endpoint(("GET", "HEAD"))

urlpatterns = [
    path("metadata", _GET(views.metadata), name="metadata"),
    path("<str:kind>", fhir_endpoint(("GET", "HEAD", "POST"))(views.type_endpoint), name="type"),
    path("<str:kind>/<str:rid>", _GET(views.read), name="read"),
    path("<str:kind>/<str:rid>/_history/<str:vid>", _GET(views.vread), name="vread"),
    re_path(r"^(?P<rest>.*)$", unrouted, name="unrouted"),
]
