from django.urls import path

from kyphoplan.devinbox import views

app_name = "devinbox"
urlpatterns = [path("", views.inbox, name="inbox")]
