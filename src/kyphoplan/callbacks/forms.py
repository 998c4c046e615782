"""The public "request a call" form and the staff forms that work a request."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from kyphoplan.callbacks.models import CloseReason, Day, Language, Outcome, Reason, TimeOfDay
from kyphoplan.web.practice import get_phone_region

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


# The form's example must pass its own check (tests/callbacks/test_request_call.py): 555-01xx
# numbers are the fictional range, under a real area code.
PHONE_EXAMPLE = "415 555 0123"


def phone_problem(raw: str, region: str) -> str | None:
    """Why `raw` is not a number we can call, in plain words for the patient; None if it is."""
    example = _("Example: %(example)s") % {"example": PHONE_EXAMPLE}
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return _("Please type the number with digits only (spaces and dashes are fine).") + " " + example
    if number.extension:
        # Stored numbers are E.164 (calls and texts): an extension would be dropped without a word.
        return str(_("We cannot dial an extension. Please give a number that reaches you directly, "
                     "or the number of someone who can take our call."))
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return _("Please add the area code (the first three digits).") + " " + example
    if reason in (phonenumbers.ValidationResult.TOO_SHORT, phonenumbers.ValidationResult.INVALID_LENGTH):
        return _("This number is missing digits. Please give the area code and the number.") + " " + example
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return _("This number has too many digits. Please check it.") + " " + example
    if reason == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return str(_("We do not know this country code. Numbers from abroad start with + and the country code."))
    if not phonenumbers.is_valid_number(number):
        return str(_("No phone line uses this number. Please check the area code (the first three digits)."))
    return None


def to_e164(raw: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if number.extension or not phonenumbers.is_valid_number(number):
        return None  # E.164 has no extension: refuse rather than drop it
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class RequestCallForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("The number we should call, with the area code. Example: %(example)s"),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Please tell us your name.")
        self.fields["phone"].error_messages["required"] = _("Please give a phone number.")
        # Filled in here, in the request's language: `%` on a lazy text would fix it at import.
        self.fields["phone"].help_text = str(self.fields["phone"].help_text) % {"example": PHONE_EXAMPLE}
        self.fields["reason"].error_messages["required"] = _("Please choose a reason.")
        self.fields["language"].error_messages["required"] = _("Please choose a language.")
        autocomplete = {"name": "name", "phone": "tel", "email": "email"}
        for field, value in autocomplete.items():
            self.fields[field].widget.attrs["autocomplete"] = value
        self.fields["phone"].widget.input_type = "tel"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_phone(self) -> str:
        region = get_phone_region()
        problem = phone_problem(self.cleaned_data["phone"], region)
        e164 = to_e164(self.cleaned_data["phone"], region)
        if problem or e164 is None:
            raise forms.ValidationError(problem or _("This does not look like a full phone number. Please check it."))
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

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_status"]
        assert isinstance(field, forms.ChoiceField)  # declared above; self.fields holds a copy
        field.choices = allowed


class SearchForm(forms.Form):
    q = forms.CharField(label="Name, phone or reference", max_length=100, required=False)
