from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from kyphoplan.web import views

urlpatterns = [
    path("hello", views.hello),
    path("healthz", views.healthz),
    path("favicon.ico", views.favicon),
    path("staff/", include("kyphoplan.staff.urls")),
    path("staff/requests/", include("kyphoplan.callbacks.urls_staff")),
    path("staff/audit/", include("kyphoplan.audit.urls")),
    path("staff/messages/", include("kyphoplan.outbox.urls")),  # failed messages, every kind
    path("staff/inbox/", include("kyphoplan.devinbox.urls")),  # the demo only (DEV_INBOX)
    path("staff/policy/", include("kyphoplan.policy.urls")),  # docs/pathway.md
    path("staff/cases/", include("kyphoplan.cases.urls_pathway")),  # docs/pathway.md
    path("api/v1/", include("kyphoplan.api.urls")),
    path("staff/followup/", include("kyphoplan.followup.urls_staff")),  # docs/followup.md
    path("staff/liaison/", include("kyphoplan.liaison.urls")),
    path("staff/outcomes/", include("kyphoplan.outcomes.urls")),
    path("sms/", include("kyphoplan.messaging.urls")),
    path("fhir/", include("kyphoplan.outcomes.fhir_urls")),  # follow-up resources first, then the FHIR app
    path("fhir/", include("kyphoplan.fhir.urls")),
    path("smart/", include("kyphoplan.smart.urls")),  # SMART App Launch (docs/integration.md)
    path("", include("kyphoplan.cdshooks.urls")),  # /cds-services…
]
# /en/… and /es/…: the language is in the address, so a link can be shared and cached.
urlpatterns += i18n_patterns(
    path("", include("kyphoplan.public.urls")),
    path(_("request-a-call/"), include("kyphoplan.callbacks.urls_public")),
)
# The patient pathway: links by email or text open /<language>/p/… (docs/pathway.md).
urlpatterns += i18n_patterns(path("p/", include("kyphoplan.patient.urls")))
# Follow-up check-ins: /<language>/f/<signed token>/ (docs/followup.md).
urlpatterns += i18n_patterns(path("f/", include("kyphoplan.followup.urls_patient")))
