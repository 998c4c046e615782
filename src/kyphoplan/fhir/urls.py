"""Mounted at /fhir/."""

urlpatterns: list[object] = []
