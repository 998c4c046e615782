"""Mounted at /<language>/f/ (the check-in link in a text or email)."""

from django.urls import path

from kyphoplan.followup import views_patient

app_name = "followup_patient"
urlpatterns = [path("<str:token>/", views_patient.checkin, name="checkin")]
