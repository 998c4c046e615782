"""Mounted at /staff/liaison/."""

from django.urls import path

from kyphoplan.liaison import views as v

app_name = "liaison"
urlpatterns = [
    path("", v.track_list, name="list"),
    path("case/<uuid:case_id>/", v.track_page, name="track"),
    path("case/<uuid:case_id>/step/", v.set_step, name="set_step"),
    path("case/<uuid:case_id>/details/", v.set_details, name="set_details"),
    path("case/<uuid:case_id>/letter/", v.write_letter, name="write_letter"),
    path("letters/<int:letter_id>.pdf", v.letter_pdf, name="letter_pdf"),
]
