"""Every staff page of the pathway, under /staff/cases/. Each app keeps its own namespace."""

from django.urls import include, path

from kyphoplan.intake import views as intake
from kyphoplan.patient import views as patient

urlpatterns = [
    path("", include("kyphoplan.cases.urls_staff")),
    path("", include("kyphoplan.plans.urls")),
    path("", include("kyphoplan.booking.urls")),
    path("", include("kyphoplan.candidacy.urls")),  # issue 14: candidacy, codes, packet
    path("<uuid:case_id>/intake/", intake.staff_form, name="staff_intake"),
    path("<uuid:case_id>/intake/recognize", intake.staff_recognize, name="staff_recognize"),
    path("<uuid:case_id>/patient-plan/", patient.staff_page, name="staff_patient_plan"),
    path("<uuid:case_id>/plan.pdf", patient.staff_pdf, name="staff_plan_pdf"),
    path("<uuid:case_id>/plan.ics", patient.staff_ics, name="staff_plan_ics"),
]
