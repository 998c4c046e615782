"""The audited read of the development inbox: the demo's messages carry patients' links,
names and times, so reading them is a read of patient data like any other."""

from __future__ import annotations

from django.contrib.auth.models import User

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.devinbox.models import DevMessage

SHOWN = 100
OBJECT_TYPE = "devmessage"


def access_inbox(user: User, *, ip: str | None) -> list[DevMessage]:
    """The newest messages, newest first, with one audit row naming them."""
    rows = list(DevMessage.objects.all()[:SHOWN])
    record(user, Action.LIST, ip=ip, object_type=OBJECT_TYPE,
           detail={"count": len(rows), "ids": [str(m.pk) for m in rows]})
    return rows
