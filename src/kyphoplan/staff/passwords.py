"""Staff passwords: changed by their owner, reset by a one-time link nobody else learns.

A reset (or a new account) makes the password unusable at once and emails a
set-password link through the outbox to the person's own address. The link carries
Django's password-reset token, which is bound to the current password hash and to
PASSWORD_RESET_TIMEOUT, so it works once, and not after it expires. The admin who
asked for it never sees a password, and TOTP devices are removed with a reset
(a lost phone), so the new password still needs a new second factor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.outbox.delivery import enqueue

KIND = "staff-set-password"


class NoEmailAddress(ValueError):
    """The account has no email address to send the link to."""


def set_password_link(user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.BASE_URL + reverse("staff:set_password", args=[uid, token])


def send_set_password_link(user: Any, *, acting: str, ip: str | None, now: datetime,
                           reset: bool, deliver: bool = True) -> str:
    """Make the password unusable, then email (or, with deliver=False, return) a one-time link."""
    if deliver and not user.email:
        raise NoEmailAddress(f"{user.get_username()} has no email address")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    if reset:
        TOTPDevice.objects.filter(user=user).delete()
    link = set_password_link(user)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    if deliver:
        enqueue(kind=KIND, to=user.email, now=now, secret_link=True,
                subject="Set your kyphoplan password",
                body=(f"Hello {user.get_username()},\n\nSet your staff password with this link. It works once "
                      f"and for {hours} hours:\n\n{link}\n\nThen sign in and set up your authenticator app.\n"
                      "If you did not expect this, tell your practice admin.\n"))
    record(None, Action.UPDATE, ip=ip, object_type="user", object_id=user.pk, at=now, username=acting,
           detail={"password": "set-password link " + ("emailed" if deliver else "printed"), "reset": reset})
    return link
