"""Mounted at the site root: the discovery URL is /cds-services, without a trailing slash."""

from django.urls import path

from kyphoplan.cdshooks import views

app_name = "cdshooks"

urlpatterns = [
    path("cds-services", views.discovery, name="discovery"),
    path("cds-services/previews/<uuid:invocation_id>", views.preview, name="preview"),
    path("cds-services/<slug:service_id>", views.call_service, name="service"),
    path("cds-services/<slug:service_id>/feedback", views.feedback, name="feedback"),
]
