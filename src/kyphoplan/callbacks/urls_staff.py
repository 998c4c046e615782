from django.urls import path

from kyphoplan.callbacks import views_staff as v

app_name = "callbacks"
urlpatterns = [
    path("", v.queue, name="queue"),
    path("search/", v.search, name="search"),
    path("export.csv", v.export_csv, name="export"),
    path("<uuid:request_id>/", v.detail, name="detail"),
    path("<uuid:request_id>/attempt/", v.log_attempt, name="attempt"),
    path("<uuid:request_id>/status/", v.set_status, name="status"),
    path("<uuid:request_id>/assign/", v.set_assignee, name="assign"),
]
