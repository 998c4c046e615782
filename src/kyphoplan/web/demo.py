"""Demo data for `kyphoplan serve`: one account per role, and a few call-back requests."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyphoplan.callbacks.models import CallbackRequest
from kyphoplan.callbacks.services import NewRequest, submit_request
from kyphoplan.staff.roles import Role, ensure_roles
from kyphoplan.staff.totp import secret_base32
from kyphoplan.web.practice import get_practice

DEMO_STAFF = [
    ("sam", "Sam", Role.SCHEDULER),
    ("nora", "Nora", Role.NURSE),
    ("rita", "Rita", Role.RADIOLOGIST),
    ("alex", "Alex", Role.ADMIN),
]

DEMO_REQUESTS = [
    NewRequest(
        "Maria Lopez", "+14155550101", "", "es", "new_referral", ["mon", "wed"], ["morning"], True, True
    ),
    NewRequest(
        "John Carter", "+14155550102", "jc@example.org", "en", "preparation", [], ["afternoon"], True, False
    ),
    NewRequest("Ana Silva", "+14155550103", "", "es", "reschedule", ["fri"], [], True, False),
    NewRequest("Lee Wong", "+14155550104", "", "en", "other", [], [], True, True),
]


def create_demo_staff() -> list[dict[str, str]]:
    """Create the demo accounts and return their one-time credentials (printed once)."""
    groups: dict[Role, Group] = ensure_roles()
    users = get_user_model().objects
    created = []
    for username, first, role in DEMO_STAFF:
        if users.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(12)
        user = users.create_user(username=username, first_name=first, password=password)
        user.groups.add(groups[role])
        device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
        created.append(
            {
                "username": username,
                "role": role.label,
                "password": password,
                "totp_secret": secret_base32(device),
                "otpauth_uri": device.config_url,
            }
        )
    return created


def create_demo_requests(now: datetime) -> int:
    if CallbackRequest.objects.exists():
        return 0
    practice = get_practice()
    with transaction.atomic():
        for i, data in enumerate(DEMO_REQUESTS):
            # Spread them out so the queue shows overdue and upcoming rows.
            submit_request(
                data,
                form_token=f"demo-token-{i:04d}-{secrets.token_hex(4)}",
                ip="127.0.0.1",
                now=now - timedelta(hours=30 - 8 * i),
                practice=practice,
            )
    return len(DEMO_REQUESTS)
