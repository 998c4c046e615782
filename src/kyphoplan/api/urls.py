from django.urls import path

from kyphoplan.api.main import api

urlpatterns = [path("", api.urls)]
