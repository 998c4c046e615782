from django.urls import path
from django.utils.translation import gettext_lazy as _

from kyphoplan.public import views

app_name = "public"
urlpatterns = [
    path("", views.page, {"name": "home"}, name="home"),
    path(_("causes/"), views.page, {"name": "causes"}, name="causes"),
    path(_("risk/"), views.risk, name="risk"),
    path(_("procedure/"), views.page, {"name": "procedure"}, name="procedure"),
    path(_("risks/"), views.page, {"name": "risks"}, name="risks"),
    path(_("prepare/"), views.page, {"name": "prepare"}, name="prepare"),
    path(_("contact/"), views.page, {"name": "contact"}, name="contact"),
]
