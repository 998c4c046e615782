"""TOTP devices: creating them, and the secret and QR code shown when enrolling."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: AbstractBaseUser) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    # Inline SVG: no image request, nothing about the secret in any URL or log.
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
