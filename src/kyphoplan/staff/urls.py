from django.urls import path
from django.views.generic import RedirectView

from kyphoplan.staff import views

app_name = "staff"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="callbacks:queue"), name="home"),
    path("login/", views.login_view, name="login"),
    path("verify/", views.verify_view, name="verify"),
    path("enrol/", views.enrol_view, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.change_password, name="change_password"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
]
