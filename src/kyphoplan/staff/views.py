"""Sign in (password, then TOTP), first-time TOTP set-up, sign out."""

from __future__ import annotations

from typing import Any, cast

import django_otp
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.staff.decorators import staff_required
from kyphoplan.staff.forms import CodeForm, LoginForm
from kyphoplan.staff.totp import confirmed_device, pending_device, qr_svg, secret_base32
from kyphoplan.web.net import client_ip


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("callbacks:queue")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            record(None, Action.LOGIN_FAILED, ip=client_ip(request), username=username[:150])
            form.add_error(None, "That username and password do not match.")
        else:
            login(request, user)
            if confirmed_device(user) is None:
                return redirect("staff:enrol")
            return redirect("staff:verify")
    return render(request, "staff/login.html", {"form": form})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("staff:login")
    device = confirmed_device(user)
    if device is None:
        return redirect("staff:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            django_otp.login(request, device)
            record(user, Action.LOGIN, ip=client_ip(request))
            return redirect("callbacks:queue")
        record(user, Action.OTP_FAILED, ip=client_ip(request))
        form.add_error("code", "That code did not work. Wait for a new code and try again.")
    return render(request, "staff/verify.html", {"form": form})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("staff:login")
    if confirmed_device(user) is not None:
        # A second device is added by an admin, never by whoever holds a password.
        return redirect("staff:verify")
    device = pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            record(user, Action.OTP_ENROLLED, ip=client_ip(request))
            messages.success(request, "Two-step sign-in is set up.")
            return redirect("callbacks:queue")
        form.add_error("code", "That code did not work. Check the time on your phone and try again.")
    return render(
        request,
        "staff/enrol.html",
        {
            "form": form,
            "secret": secret_base32(device),
            "qr": qr_svg(device),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(request.user, Action.LOGOUT, ip=client_ip(request))
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("staff:login")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
@staff_required()
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(cast(Any, request.user), request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # this session stays signed in; others end
        record(user, Action.UPDATE, ip=client_ip(request), object_type="user", object_id=user.pk,
               detail={"password": "changed by its owner"})
        messages.success(request, "Your password is changed.")
        return redirect("callbacks:queue")
    return render(request, "staff/change_password.html", {"form": form})


class SetPasswordView(PasswordResetConfirmView):
    """The one-time link from `createstaff` (staff/passwords.py): Django's token check, our page."""

    template_name = "staff/set_password.html"
    success_url = reverse_lazy("staff:login")
    post_reset_login = False

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        response = super().form_valid(form)
        record(form.user, Action.UPDATE, ip=client_ip(self.request), object_type="user", object_id=form.user.pk,
               detail={"password": "set with a one-time link"})
        messages.success(self.request, "Your password is set. Sign in, then set up your authenticator app.")
        return response
