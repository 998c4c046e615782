"""The public "request a call" form and the staff forms that work a request."""

from __future__ import annotations

import re

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from kyphoplan.callbacks.models import CloseReason, Day, Language, Outcome, Reason, TimeOfDay
from kyphoplan.web.practice import get_phone_region

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def to_e164(raw: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class RequestCallForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("The number we should call. Example: 555 010 0123"),
    )
    best_days = forms.MultipleChoiceField(
        label=_("Best days to call"),
        choices=Day.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    best_times = forms.MultipleChoiceField(
        label=_("Best times to call"),
        choices=TimeOfDay.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language for the call"), choices=Language.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("Why do you want a call?"), choices=Reason.choices, widget=forms.RadioSelect
    )
    email = forms.EmailField(label=_("Email (you can leave this empty)"), required=False, max_length=254)
    consent_call = forms.BooleanField(
        label=_("Yes, you may call me at this number."),
        error_messages={"required": _("Please say yes, so we are allowed to call you.")},
    )
    consent_text = forms.BooleanField(label=_("You may also send me text messages."), required=False)
    # A trap for robots: hidden from people, so anything typed here is not a person.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["name"].error_messages["required"] = _("Please tell us your name.")
        self.fields["phone"].error_messages["required"] = _("Please give a phone number.")
        self.fields["reason"].error_messages["required"] = _("Please choose a reason.")
        self.fields["language"].error_messages["required"] = _("Please choose a language.")
        autocomplete = {"name": "name", "phone": "tel", "email": "email"}
        for field, value in autocomplete.items():
            self.fields[field].widget.attrs["autocomplete"] = value
        self.fields["phone"].widget.input_type = "tel"  # type: ignore[attr-defined]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_phone(self) -> str:
        e164 = to_e164(self.cleaned_data["phone"], get_phone_region())
        if e164 is None:
            raise forms.ValidationError(_("This does not look like a full phone number. Please check it."))
        return e164

    def clean_form_token(self) -> str:
        token: str = self.cleaned_data["form_token"]
        if not _TOKEN.match(token):
            raise forms.ValidationError(_("Please reload the page and try again."))
        return token

    def is_trap_filled(self) -> bool:
        return bool(self.data.get("website", "").strip())


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    new_status = forms.ChoiceField(label="New status", choices=())
    close_reason = forms.ChoiceField(
        label="Reason (when closing)", choices=[("", "—"), *CloseReason.choices], required=False
    )

    def __init__(self, *args: object, allowed: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["new_status"].choices = allowed  # type: ignore[attr-defined]


class SearchForm(forms.Form):
    q = forms.CharField(label="Name, phone or reference", max_length=100, required=False)
