from django.urls import path

from kyphoplan.outbox import views

app_name = "outbox"
urlpatterns = [
    path("", views.failed, name="failed"),
    path("<slug:source>/<int:pk>/", views.settle, name="settle"),
]
