"""Mounted at /staff/outcomes/."""

from django.urls import path

from kyphoplan.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("outcomes.csv", views.export_csv, name="csv"),
]
