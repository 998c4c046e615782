from django.urls import path

from kyphoplan.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("export.csv", views.export_csv, name="export"),
]
