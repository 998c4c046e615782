"""Patient pages, under /<language>/p/. Entry is by link only; the rest needs the session it opens."""

from django.urls import path

from kyphoplan.intake import views as intake
from kyphoplan.patient import views as plan

app_name = "patient_links"
urlpatterns = [
    path("intake/", intake.patient_form, name="intake_form"),
    path("intake/done/", intake.thanks, name="intake_thanks"),
    path("intake/recognize", intake.patient_recognize, name="intake_recognize"),
    path("intake/<slug:token>/", intake.open_intake, name="intake"),
    path("plan/", plan.plan_page, name="plan_page"),
    path("plan/plan.pdf", plan.plan_pdf, name="plan_pdf"),
    path("plan/plan.ics", plan.plan_ics, name="plan_ics"),
    path("plan/<slug:token>/", plan.open_plan, name="plan"),
]
