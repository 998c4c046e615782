from django.urls import path

from kyphoplan.callbacks import views_public as v

app_name = "callbacks_public"
urlpatterns = [
    path("", v.request_call, name="request"),
    path("thanks/<str:token>/", v.thanks, name="thanks"),
]
