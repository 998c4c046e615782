"""Mounted at /sms/: the provider's webhook (no session, no CSRF; signature checked)."""

from django.urls import path

from kyphoplan.messaging import webhook

app_name = "messaging"
urlpatterns = [path("inbound", webhook.inbound_sms, name="inbound")]
