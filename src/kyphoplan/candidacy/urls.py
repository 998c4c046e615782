from django.urls import path

from kyphoplan.candidacy import views as v

app_name = "candidacy"
urlpatterns = [
    path("payers/", v.payers, name="payers"),
    path("<uuid:case_id>/candidacy/", v.page, name="page"),
    path("<uuid:case_id>/candidacy/level/", v.level, name="level"),
    path("<uuid:case_id>/candidacy/facts/", v.facts, name="facts"),
    path("<uuid:case_id>/candidacy/checklist/", v.checklist, name="checklist"),
    path("<uuid:case_id>/candidacy/override/", v.override, name="override"),
    path("<uuid:case_id>/candidacy/sign/", v.sign, name="sign"),
    path("<uuid:case_id>/prior-auth.pdf", v.packet, name="packet"),
]
