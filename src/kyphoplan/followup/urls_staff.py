"""Mounted at /staff/followup/."""

from django.urls import path

from kyphoplan.followup import views_staff as v
from kyphoplan.messaging import views as consent_views

app_name = "followup"
urlpatterns = [
    path("", v.worklist, name="worklist"),
    path("case/<uuid:case_id>/", v.case_page, name="case"),
    path("case/<uuid:case_id>/complications/", v.add_complication, name="add_complication"),
    path("alerts/<int:alert_id>/resolve/", v.resolve, name="resolve"),
    path("checkins/<int:checkin_id>/called/", v.called, name="called"),
    path("messages/<int:message_id>/read/", v.message_read, name="message_read"),
    path("consent/", consent_views.consent, name="consent"),
    path("consent/record/", consent_views.record_consent, name="record_consent"),
]
