from django.urls import path

from kyphoplan.booking import views as v

app_name = "booking"
urlpatterns = [
    path("rooms/", v.resources, name="resources"),
    path("<uuid:case_id>/book/", v.book, name="book"),
    path("<uuid:case_id>/booking/cancel/", v.cancel, name="cancel"),
]
