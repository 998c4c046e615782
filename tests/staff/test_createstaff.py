"""Alex adds Nora from the command line, and later resets her lost phone: nobody learns a password."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyphoplan.audit.models import Action, AuditEvent
from kyphoplan.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "violet kettle orbit 1987"


def _link(message: OutboxMessage) -> str:
    found = re.search(r"https?://\S+/staff/set-password/\S+/", message.body)
    assert found, message.body
    return "/" + found.group(0).split("/", 3)[3]


def _set_password(link: str, password: str) -> Any:
    browser = Client()
    page = browser.get(link, follow=True)  # Django moves the token into the session first
    return browser.post(page.redirect_chain[-1][0] if page.redirect_chain else link,
                        {"new_password1": password, "new_password2": password})


def test_it_creates_a_staff_member_with_a_role_and_emails_a_one_time_link() -> None:
    out = StringIO()
    call_command("createstaff", "nora", "--role", "nurse_coordinator", "--email", "nora@example.org", stdout=out)
    assert "password" not in out.getvalue().replace("set-password", "")
    nora = get_user_model().objects.get(username="nora")
    assert not nora.has_usable_password()
    assert nora.has_perm("callbacks.change_callbackrequest") and not nora.has_perm("audit.view_auditevent")
    message = OutboxMessage.objects.get(to="nora@example.org", kind="staff-set-password")
    link = _link(message)
    response = _set_password(link, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/staff/login/"
    nora.refresh_from_db()
    assert nora.check_password(NEW_PASSWORD)
    # Once only: the same link does nothing now.
    again = Client().get(link, follow=True)
    assert "has been used or has expired" in again.content.decode()
    assert AuditEvent.objects.filter(object_type="user", object_id=str(nora.pk), action=Action.UPDATE).count() == 2


def test_it_resets_a_lost_phone_without_anyone_knowing_the_new_password() -> None:
    call_command("createstaff", "nora", "--role", "nurse_coordinator", "--email", "nora@example.org",
                 stdout=StringIO())
    nora = get_user_model().objects.get(username="nora")
    nora.set_password(NEW_PASSWORD)
    nora.save()
    TOTPDevice.objects.create(user=nora, name="old phone", confirmed=True)
    with pytest.raises(CommandError):
        call_command("createstaff", "nora", stdout=StringIO())
    out = StringIO()
    call_command("createstaff", "nora", "--reset", stdout=out)
    nora.refresh_from_db()
    assert not nora.has_usable_password() and not nora.check_password(NEW_PASSWORD)
    assert not TOTPDevice.objects.filter(user=nora).exists()
    assert OutboxMessage.objects.filter(to="nora@example.org").count() == 2
    assert AuditEvent.objects.filter(actor_username="cli:createstaff").count() == 2


def test_it_needs_an_address_or_an_explicit_printed_link() -> None:
    with pytest.raises(CommandError, match="no email address"):
        call_command("createstaff", "alex", "--role", "practice_admin", stdout=StringIO())
    assert not get_user_model().objects.filter(username="alex").exists()  # rolled back
    with pytest.raises(CommandError, match="not an email address"):
        call_command("createstaff", "alex", "--role", "practice_admin", "--email", "alex", stdout=StringIO())
    out = StringIO()
    call_command("createstaff", "alex", "--role", "practice_admin", "--print-link", stdout=out)
    link = "/" + re.search(r"https?://\S+", out.getvalue()).group(0).split("/", 3)[3]  # type: ignore[union-attr]
    assert _set_password(link, NEW_PASSWORD).status_code == 302
    assert get_user_model().objects.get(username="alex").check_password(NEW_PASSWORD)


def test_it_lets_staff_change_their_own_password(client: Client, sam: Any, verified: Any) -> None:
    sam.set_password(NEW_PASSWORD)
    sam.save()
    verified(sam)
    assert client.get("/staff/password/").status_code == 200
    wrong = client.post("/staff/password/", {"old_password": "not it", "new_password1": "x", "new_password2": "x"})
    assert wrong.status_code == 200
    response = client.post("/staff/password/", {"old_password": NEW_PASSWORD, "new_password1": "granite lamp 4471 ok",
                                                 "new_password2": "granite lamp 4471 ok"})
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.check_password("granite lamp 4471 ok")
    assert client.get("/staff/requests/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(actor_username="sam", object_type="user", action=Action.UPDATE).exists()


def test_it_keeps_the_password_page_for_signed_in_staff(client: Client) -> None:
    assert client.get("/staff/password/")["Location"] == "/staff/login/"


def test_it_keys_roles_by_value_and_answers_permissions_from_the_role_table(make_staff: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    from kyphoplan.staff.roles import Role, ensure_roles, has_role, roles_of

    Group.objects.filter(name=Role.RADIOLOGIST.value).delete()
    legacy = Group.objects.create(name=Role.RADIOLOGIST.label)  # as an older version named it
    legacy.permissions.add(*Permission.objects.all())
    groups = ensure_roles()
    legacy.refresh_from_db()
    assert legacy.name == "radiologist" and groups[Role.RADIOLOGIST] == legacy
    assert not legacy.permissions.exists()  # Django permissions no longer ride on groups
    rita = make_staff("rita", Role.RADIOLOGIST)
    assert roles_of(rita) == {Role.RADIOLOGIST}
    assert has_role(rita, {Role.RADIOLOGIST}) and not has_role(rita, {Role.ADMIN})
    assert rita.has_perm("callbacks.view_callbackrequest")
    assert not rita.has_perm("callbacks.change_callbackrequest") and not rita.has_perm("audit.view_auditevent")
    alex = make_staff("alex", Role.ADMIN)
    assert alex.has_perm("audit.export_auditevent")
    alex.is_active = False
    assert not alex.has_perm("audit.export_auditevent")
