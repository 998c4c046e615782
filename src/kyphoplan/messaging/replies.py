"""Our answers to STOP, HELP, confirm and free text, in the patient's language. Plain words;
no diagnosis, no medicine names (REFERENCE §13b), under 160 characters with the demo's
practice name and phone (tested)."""

from __future__ import annotations

from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from kyphoplan.clinical.model import Language
from kyphoplan.clinical.wording import format_moment
from kyphoplan.messaging.models import Keyword
from kyphoplan.web.practice import get_practice


def reply_text(keyword: Keyword, language: str, *, visit_at: datetime | None = None, unclear: bool = False) -> str:
    practice = get_practice()
    params = {"practice": practice.name, "phone": practice.phone}
    with translation.override(language):
        if keyword == Keyword.STOP:
            text = _("%(practice)s: you will get no more texts from us. For help call %(phone)s.")
        elif keyword == Keyword.HELP:
            text = _("%(practice)s care team: call %(phone)s. Texts about your care, up to 3 a week. "
                     "Msg & data rates may apply. Reply STOP to end.")
        elif keyword == Keyword.CONFIRM and visit_at is not None:
            lang = Language.ES if language == "es" else Language.EN
            params["moment"] = format_moment(visit_at.astimezone(practice.hours.zone), lang)
            text = _("%(practice)s: thank you. Your visit on %(moment)s is confirmed.")
        elif keyword == Keyword.CONFIRM and unclear:
            text = _("%(practice)s: thank you. We could not tell which visit you mean. Please call %(phone)s.")
        elif keyword == Keyword.CONFIRM:
            text = _("%(practice)s: we found no visit to confirm. Please call %(phone)s.")
        else:
            text = _("%(practice)s: thank you, the care team will read your message. In an emergency call 911.")
    return text % params
