"""Audited read of one phone number's consent: its state per purpose, its history, the
patients who share it, and the last texts from it (the staff consent page)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.models import User

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.callbacks.forms import to_e164
from kyphoplan.cases import roles
from kyphoplan.cases.models import Case
from kyphoplan.messaging.models import ConsentState, InboundMessage, Purpose, SmsConsent
from kyphoplan.web.practice import get_phone_region

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
HISTORY = 50
TEXTS = 10


class BadNumber(ValueError):
    pass


@dataclass(frozen=True)
class NumberConsent:
    phone: str
    states: list[tuple[Purpose, SmsConsent | None]]  # the newest row per purpose
    history: list[SmsConsent]
    cases: list[Case]
    texts: list[InboundMessage]

    @property
    def opted_out(self) -> bool:
        return any(row is not None and row.state == ConsentState.REVOKED for _, row in self.states)


def clean_phone(raw: str) -> str:
    """A number as staff type it: international form, or a full national number (the practice's
    region). A "+" typed into a link arrives as a space, so "+1415…" may come as "1415…"."""
    phone = re.sub(r"[\s().-]", "", raw)
    if E164.match(phone):
        return phone
    national = to_e164(phone, get_phone_region())
    if national is None:
        raise BadNumber("enter the number in international form, for example +14155550132")
    return national


def access_number(user: User, phone: str, *, ip: str | None) -> NumberConsent:
    roles.require(user, roles.VIEW_CASES, ip=ip, what="sms consent")
    rows = list(SmsConsent.objects.filter(phone_e164=phone).select_related("recorded_by")[:HISTORY])
    states = [(p, next((r for r in rows if r.purpose == p), None)) for p in Purpose]
    out = NumberConsent(phone=phone, states=states, history=rows,
                        cases=list(Case.objects.filter(phone_e164=phone).order_by("reference")),
                        texts=list(InboundMessage.objects.filter(phone_e164=phone)[:TEXTS]))
    record(user, Action.VIEW, ip=ip, object_type="sms_consent", object_id=phone,
           detail={"cases": [str(c.pk) for c in out.cases]})
    return out
