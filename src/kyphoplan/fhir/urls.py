"""Mounted at /fhir/."""

from django.urls import path

from kyphoplan.fhir import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("<str:kind>", views.type_endpoint, name="type"),
    path("<str:kind>/<str:rid>", views.read, name="read"),
]
