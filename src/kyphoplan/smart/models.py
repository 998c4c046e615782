"""Who an EHR user is in kyphoplan: an explicit, audited link from (EHR, fhirUser) to a
staff account. No link, no entry: an EHR user is never matched by name or e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.models import Device


class SmartUserLink(models.Model):
    issuer = models.CharField(max_length=300)  # the EHR's FHIR base URL (`iss` of the launch)
    fhir_user = models.CharField(max_length=300)  # "Practitioner/123", relative to the issuer
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="smart_links")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "fhir_user"], name="smart_link_unique")]


class SmartLaunchDevice(Device):
    """The second factor of a SMART sign-in: the EHR's own authentication of the clinician.

    Attached to the session by a verified launch so staff pages accept it; it has no
    token, so it can never be used on the password + code sign-in page."""

    def verify_token(self, token: object) -> bool:
        return False
