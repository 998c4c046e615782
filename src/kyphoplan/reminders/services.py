"""Turn a signed plan and a booking into reminder rows, and keep them in step."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.booking.services import active_booking
from kyphoplan.cases import roles
from kyphoplan.cases.config import get_config as get_pathway_config
from kyphoplan.cases.models import Case, Channel, LinkPurpose, PatientLink
from kyphoplan.cases.workflow import CaseStatus
from kyphoplan.clinical.context import spanish_drug_name, spanish_drug_names
from kyphoplan.outbox.redact import scrubbed
from kyphoplan.plans.services import latest, latest_signed, lines_for
from kyphoplan.reminders.config import get_config
from kyphoplan.reminders.messages import render
from kyphoplan.reminders.models import LIVE, Reminder, ReminderStatus
from kyphoplan.reminders.schedule import Recipient, ReminderSpec, plan_reminders
from kyphoplan.web.practice import get_practice


def recipient(case: Case) -> Recipient:
    return Recipient(language=case.language, email=case.email, phone=case.phone_e164,
                     email_ok=case.email_reminders, sms_ok=case.sms_reminders, opted_out=case.reminders_opt_out)


def drug_name(drug: str, language: str) -> str:
    """A drug as the patient reads it: the generic name in their language (Spanish names from
    the clinical core's table; a name missing there stays as it is)."""
    return spanish_drug_name(drug) if language == "es" else drug


def title_drug_name(drug: str, language: str) -> str:
    """A drug for a short title: its name in the patient's language, or "" when the Spanish
    table has no name for it (a title then leaves the drug out rather than print an English
    name in a Spanish title; the sentence beside it says which medicine)."""
    if language != "es" or not drug:
        return drug
    known = spanish_drug_names()
    return spanish_drug_name(drug) if all(part in known for part in drug.split("/")) else ""


def _wording(case: Case, kind: str, *, drug: str, event_at: datetime, procedure_at: datetime,
             url: str = "", link_days: int = 0, note: str = "",
             doses: tuple[tuple[datetime, str], ...] = ()) -> tuple[str, str]:
    practice = get_practice()
    zone = practice.hours.zone
    named = "+".join(drug_name(part, case.language) for part in drug.split("+")) if drug else ""
    local = tuple((at.astimezone(zone), drug_name(d, case.language)) for at, d in doses)
    return render(kind, language=case.language, drug=named, doses=local,
                  event_at=event_at.astimezone(zone), procedure_at=procedure_at.astimezone(zone),
                  practice_name=practice.name, practice_phone=practice.phone, practice_address=practice.address,
                  url=url, link_days=link_days, note=note)


def cancel_pending(case: Case, *, now: datetime, why: str) -> int:
    """Stop every reminder not yet handed to a provider. A claimed row is stopped too: the
    worker's move to SENDING is conditional on CLAIMED, so it will not go out."""
    return Reminder.objects.filter(case=case, status__in=LIVE).exclude(kind__endswith="-link").update(
        status=ReminderStatus.CANCELLED, last_error=why[:300], claim_token="")


def desired(case: Case, now: datetime) -> list[ReminderSpec]:
    """The one rule: reminders follow the latest version only when it is signed and the
    procedure is booked; otherwise none go out (a newer version waits for its signature)."""
    if case.status == CaseStatus.CANCELLED:
        return []
    booking = active_booking(case)
    signed = latest_signed(case)
    newest = latest(case)
    if booking is None or signed is None or newest is None or newest.pk != signed.pk:
        return []
    return plan_reminders(case.reference, lines_for(signed, case.language), arrive=booking.arrive,
                          zone=get_practice().hours.zone, recipient=recipient(case),
                          quiet=get_config().quiet, now=now)


TIMED_STEPS = {"stop-medication": "last doses", "fasting-start": "fasting", "take-premedication": "premedication doses",
               "adjust-dose": "dose changes"}


def no_channel_warning(case: Case) -> str:
    """A plain warning for staff when a signed, booked plan asks the patient to act on time
    (last doses, fasting, premedication, dose changes) but no reminder channel is on, so
    nothing will remind them; "" otherwise. Channels are never switched on here: consent is
    the patient's."""
    if case.status == CaseStatus.CANCELLED or active_booking(case) is None:
        return ""
    signed, newest = latest_signed(case), latest(case)
    if signed is None or newest is None or newest.pk != signed.pk or recipient(case).channels():
        return ""
    steps = [TIMED_STEPS[code] for code in TIMED_STEPS
             if any((ln.replaces or ln.code) == code for ln in lines_for(signed, case.language)
                    if ln.audience == "patient")]
    if not steps:
        return ""
    what = ", ".join(steps)
    if case.reminders_opt_out:
        why = "the patient opted out of reminders"
        how = "Tell them each step by phone; only they can ask for reminders again."
    else:
        off = [f"email {'is off' if case.email else 'address missing'}",
               f"text {'is off' if case.phone_e164 else 'number missing'}"]
        why = "no reminder channel is on (" + "; ".join(off) + ")"
        how = ("With the patient's agreement, switch on reminders by email or text in Edit case, "
               "or call them before each step.")
    return f"No reminders will go out for this plan's {what}: {why}. {how}"


def schedule_for_case(case: Case, *, now: datetime, why: str = "no longer in the plan") -> list[Reminder]:
    """Make the reminder rows match the signed plan and the booking: new ones scheduled, ones
    no longer wanted cancelled (`why`), sent ones never touched. Idempotent."""
    specs = desired(case, now)
    keys = {s.key for s in specs}
    out = []
    with transaction.atomic():
        Reminder.objects.filter(case=case, status__in=LIVE).exclude(kind__endswith="-link").exclude(
            key__in=keys).update(status=ReminderStatus.CANCELLED, last_error=why[:300], claim_token="")
        if not specs:
            return []
        booking = active_booking(case)
        version = latest_signed(case)
        assert booking is not None and version is not None
        for s in specs:
            subject, body = _wording(case, s.kind, drug=s.drug or "", event_at=s.event_at, procedure_at=booking.start,
                                     note=s.note, doses=s.doses)
            fields = dict(case=case, plan_version=version, kind=s.kind, drug=s.drug or "", channel=s.channel,
                          to=s.to, language=s.language, subject=subject, body=body, send_at=s.send_at,
                          event_at=s.event_at, next_attempt_at=s.send_at)
            existing = Reminder.objects.select_for_update().filter(key=s.key).first()
            if existing is None:
                out.append(Reminder.objects.create(key=s.key, **fields))
            elif existing.status in (ReminderStatus.SCHEDULED, ReminderStatus.CANCELLED):
                # Same reminder from a re-signed plan: refresh it; a sent one is never sent again.
                Reminder.objects.filter(pk=existing.pk, status=existing.status).update(
                    status=ReminderStatus.SCHEDULED, last_error="", attempts=0, **fields)
                out.append(existing)
    return out


def send_link(case: Case, link: PatientLink, token: str, *, channel: Channel, now: datetime) -> Reminder:
    """Queue the message carrying a patient link. The token sits in this row only until it is
    sent (or fails for good, or is cancelled); then the link is redacted (outbox.redact)."""
    purpose = LinkPurpose(link.purpose)
    with translation.override(case.language):
        path = reverse("patient_links:intake" if purpose == LinkPurpose.INTAKE else "patient_links:plan",
                       kwargs={"token": token})
    base = get_pathway_config().base_url
    days = max(1, (link.expires_at - now).days)
    kind = f"{purpose.value}-link"
    subject, body = _wording(case, kind, drug="", event_at=now, procedure_at=now, url=base + path, link_days=days)
    to = case.email if channel == Channel.EMAIL else case.phone_e164
    if not to:
        raise ValueError(f"the case has no {channel.label.lower()} address")
    if channel == Channel.SMS and not get_config().sms.configured:
        # Refused now, not failed later: staff must not believe a link is on its way.
        raise ValueError("text messages are not set up on this server (KYPHOPLAN_SMS_*): "
                         "send the link by email or show it")
    return Reminder.objects.create(
        case=case, key=f"link-{uuid.uuid4()}", kind=kind, channel=channel.value, to=to, language=case.language,
        subject=subject, body=body, send_at=now, event_at=now, next_attempt_at=now,
    )


def status_summary(case: Case) -> list[Reminder]:
    return list(Reminder.objects.filter(case=case).filter(~Q(status=ReminderStatus.CANCELLED) | Q(attempts__gt=0))
                .order_by("send_at", "id"))


class LinkRemoved(ValueError):
    """The message's link was removed once it failed: it cannot go again as it was."""


def settle(acting_user: Any, reminder: Reminder, *, resend: bool, ip: str | None, now: datetime) -> None:
    """A person decides a message in doubt or failed: send it again, or record it as delivered
    (for example after checking the provider's log). A failed message whose link was removed
    is not sent again: staff send a new link (its old one is not kept anywhere)."""
    roles.require(acting_user, roles.WORK_CASES, ip=ip, what="settle reminder")
    allowed = [ReminderStatus.IN_DOUBT, ReminderStatus.FAILED] if resend else [ReminderStatus.IN_DOUBT]
    if resend and reminder.link_removed_at is not None:
        raise LinkRemoved("its link was removed after it failed: send the patient a new link instead")
    with transaction.atomic():
        if resend:
            changed = Reminder.objects.filter(pk=reminder.pk, status__in=allowed, link_removed_at__isnull=True).update(
                status=ReminderStatus.SCHEDULED, attempts=0, next_attempt_at=now, claim_token="",
                last_error=f"sent again by {acting_user.get_username()}")
        else:
            redact = scrubbed(reminder.body, now) if reminder.carries_link else {}
            changed = Reminder.objects.filter(pk=reminder.pk, status__in=allowed).update(
                status=ReminderStatus.SENT, sent_at=now,
                last_error=f"confirmed delivered by {acting_user.get_username()}", **redact)
        if changed:
            record(acting_user, Action.UPDATE, ip=ip, object_type="reminder", object_id=reminder.pk, at=now,
                   detail={"resend": resend})
    reminder.refresh_from_db()
