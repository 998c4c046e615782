"""Follow-up and liaison FHIR routes; included at /fhir/ before the FHIR app (see fhir_views)."""

from django.urls import path, re_path

from kyphoplan.outcomes import fhir_views as v

KINDS = "QuestionnaireResponse|Observation|Communication|DocumentReference"
urlpatterns = [
    re_path(rf"^(?P<kind>{KINDS})$", v.search),
    re_path(rf"^(?P<kind>{KINDS})/(?P<rid>[A-Za-z0-9.\-]{{1,64}})$", v.read),
    path("Questionnaire", v.questionnaires),
    path("Questionnaire/<str:rid>", v.questionnaire),
]
