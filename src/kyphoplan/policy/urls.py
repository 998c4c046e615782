from django.urls import path

from kyphoplan.policy import views

app_name = "policy"
urlpatterns = [path("", views.policy, name="page")]
