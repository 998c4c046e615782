"""Alex adds Nora from the command line, and later resets her lost phone."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyphoplan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_creates_a_staff_member_with_a_role_and_resets_them() -> None:
    out = StringIO()
    call_command("createstaff", "nora", "--role", "nurse_coordinator", stdout=out)
    password = out.getvalue().split("one-time password ")[1].split()[0]
    nora = get_user_model().objects.get(username="nora")
    assert nora.check_password(password)
    assert nora.has_perm("callbacks.change_callbackrequest")
    assert not nora.has_perm("audit.view_auditevent")
    TOTPDevice.objects.create(user=nora, name="old phone", confirmed=True)
    with pytest.raises(CommandError):
        call_command("createstaff", "nora", stdout=StringIO())
    call_command("createstaff", "nora", "--reset", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=nora).exists()
    assert AuditEvent.objects.filter(actor_username="cli:createstaff").count() == 2
