"""Check-in messages in the patient's language. No diagnosis, no medicine names
(REFERENCE §13b); the SMS names the practice, says how to stop, and stays ≤ 160 characters."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from kyphoplan.web.practice import get_practice


def checkin_sms(url: str, language: str) -> str:
    with translation.override(language):
        return _("%(practice)s: 2-minute check-in on your back: %(url)s Reply STOP to end.") % {
            "practice": get_practice().name, "url": url}


def checkin_email(url: str, language: str) -> tuple[str, str]:
    practice = get_practice()
    with translation.override(language):
        subject = _("How is your back? A 2-minute check-in")
        body = _("We would like to know how you are doing since your procedure. It takes about 2 minutes: "
                 "%(url)s\n\nIf you have new, very bad pain, a fever, or new weakness in your legs, call us "
                 "now at %(phone)s. In an emergency, call 911.\n\n%(practice)s") % {
            "url": url, "phone": practice.phone, "practice": practice.name}
    return subject, body


def alert_email(reference: str, reasons: list[str], worklist_url: str) -> tuple[str, str]:
    """To staff (staff language, English). The reference, not the name: email is not the chart."""
    subject = f"Follow-up red flag for case {reference}: call the patient"
    body = (f"A follow-up answer for case {reference} needs a call today:\n"
            + "\n".join(f"- {r}" for r in reasons) + f"\n\nWorklist: {worklist_url}\n")
    return subject, body
