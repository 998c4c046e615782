"""Staff forms for cases."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from kyphoplan.cases.models import Language, Sedation, Sex
from kyphoplan.cases.services import CaseDetails
from kyphoplan.cases.workflow import CancelReason

_LEVEL = re.compile(r"^(C[1-7]|T(1[0-2]|[1-9])|L[1-5]|S1)$")
YES_NO_UNKNOWN = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]


def parse_levels(raw: str) -> tuple[str, ...]:
    levels = tuple(p.strip().upper() for p in re.split(r"[,\s]+", raw) if p.strip())
    bad = [lv for lv in levels if not _LEVEL.match(lv)]
    if bad:
        raise forms.ValidationError(f"Not a vertebral level: {', '.join(bad)} (write T12, L1)")
    if len(set(levels)) != len(levels):
        raise forms.ValidationError("A level is listed twice.")
    return levels


class CaseForm(forms.Form):
    patient_name = forms.CharField(max_length=120)
    phone_e164 = forms.CharField(label="Phone (+1…)", max_length=20, required=False)
    email = forms.EmailField(required=False)
    language = forms.ChoiceField(choices=Language.choices)
    birth_date = forms.DateField(label="Date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(choices=Sex.choices)
    referring_clinician = forms.CharField(max_length=200, required=False)
    referral_reason = forms.CharField(max_length=500, required=False)
    imaging_levels = forms.CharField(label="Levels on imaging", required=False, help_text="For example: T12, L1")
    mri_edema = forms.ChoiceField(label="MRI bone-marrow edema", choices=YES_NO_UNKNOWN, required=False)
    imaging_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    levels_to_treat = forms.CharField(required=False, help_text="For example: T12, L1")
    sedation = forms.ChoiceField(choices=Sedation.choices)
    target_start = forms.DateTimeField(
        label="Provisional date and time (practice time)", required=False,
        help_text="Lets the plan be made before booking.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    email_reminders = forms.BooleanField(label="Reminders by email", required=False)
    sms_reminders = forms.BooleanField(label="Reminders by text message (patient agreed)", required=False)
    reminders_opt_out = forms.BooleanField(label="Patient opted out of all reminders", required=False)

    def __init__(self, *args: Any, zone: ZoneInfo, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.now = now

    def clean_imaging_levels(self) -> tuple[str, ...]:
        return parse_levels(self.cleaned_data["imaging_levels"])

    def clean_levels_to_treat(self) -> tuple[str, ...]:
        return parse_levels(self.cleaned_data["levels_to_treat"])

    def clean_target_start(self) -> Any:
        value = self.cleaned_data["target_start"]
        # The browser sends wall-clock time: it is the practice's, whatever the server's zone.
        if value is None:
            return None
        value = value.replace(tzinfo=self.zone)
        # A new time already gone would plan holds for days gone by (a case whose date has passed
        # keeps it when other fields are edited).
        if self.now is not None and value < self.now and "target_start" in self.changed_data:
            raise forms.ValidationError("This time has already passed. Give a date and time still to come.")
        return value

    def details(self) -> CaseDetails:
        c = self.cleaned_data
        return CaseDetails(
            patient_name=c["patient_name"].strip(), phone_e164=c["phone_e164"].strip(), email=c["email"],
            language=c["language"], birth_date=c["birth_date"], sex=c["sex"],
            referring_clinician=c["referring_clinician"], referral_reason=c["referral_reason"],
            imaging_levels=c["imaging_levels"], mri_edema={"yes": True, "no": False}.get(c["mri_edema"]),
            imaging_date=c["imaging_date"], levels_to_treat=c["levels_to_treat"], sedation=c["sedation"],
            target_start=c["target_start"], notes=c["notes"], email_reminders=c["email_reminders"],
            sms_reminders=c["sms_reminders"], reminders_opt_out=c["reminders_opt_out"],
        )


def initial_for(case: Any, zone: ZoneInfo) -> dict[str, Any]:
    data = {name: getattr(case, name) for name in CaseDetails.__dataclass_fields__}
    data["imaging_levels"] = ", ".join(case.imaging_levels)
    data["levels_to_treat"] = ", ".join(case.levels_to_treat)
    data["mri_edema"] = {True: "yes", False: "no"}.get(case.mri_edema, "")
    if case.target_start:
        data["target_start"] = case.target_start.astimezone(zone).replace(tzinfo=None)
    return data


class StatusForm(forms.Form):
    new_status = forms.ChoiceField(label="Move to")
    cancel_reason = forms.ChoiceField(label="Reason (when cancelling)", choices=[("", "—"), *CancelReason.choices],
                                      required=False)

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_status"]
        assert isinstance(field, forms.ChoiceField)  # declared above; self.fields holds a copy
        field.choices = allowed


# Kept with the values in Case.labs; facts_builder leaves it out of the engine's facts.
LAB_DRAWN_ON = "drawn_on"
LAB_FIELDS = [
    ("egfr", "eGFR (mL/min/1.73 m²)"), ("creatinine_clearance", "Creatinine clearance (mL/min)"),
    ("serum_creatinine_mg_dl", "Serum creatinine (mg/dL)"), ("inr", "INR"),
    ("platelets_10e9_per_l", "Platelets (×10⁹/L)"),
]


class LabsForm(forms.Form):
    drawn_on = forms.DateField(label="Date drawn", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for name, label in LAB_FIELDS:
            self.fields[name] = forms.FloatField(label=label, required=False, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = [data.get(name) for name, _ in LAB_FIELDS]
        drawn = data.get("drawn_on")
        if any(v is not None for v in values) and drawn is None:
            self.add_error("drawn_on", "Give the date the blood was drawn: a value without a date cannot be judged.")
        if drawn is not None and self.today is not None and drawn > self.today:
            self.add_error("drawn_on", "The date drawn cannot be in the future.")
        return data

    def labs(self) -> dict[str, float | str]:
        out: dict[str, float | str] = {k: v for k, v in self.cleaned_data.items()
                                       if v is not None and k != "drawn_on"}
        if out and self.cleaned_data.get("drawn_on"):
            out[LAB_DRAWN_ON] = self.cleaned_data["drawn_on"].isoformat()
        return out
