"""Staff forms for the candidacy page."""

from __future__ import annotations

from typing import Any, TypedDict

from django import forms

from kyphoplan.candidacy.models import (
    ENCOUNTER_CHOICES,
    OSTEOPOROSIS_CHOICES,
    Candidacy,
    CareSetting,
    Finding,
    Oedema,
)
from kyphoplan.clinical.coding import CodingError, parse_level
from kyphoplan.clinical.payer_criteria import shipped_records

TRI = [("", "Not documented"), ("yes", "Yes"), ("no", "No")]


class _Millimetres(TypedDict):
    """The keyword arguments every height field shares (typed, so `**MM` is checked field by field)."""

    max_digits: int
    decimal_places: int
    min_value: float
    max_value: int


MM: _Millimetres = {"max_digits": 4, "decimal_places": 1, "min_value": 0.1, "max_value": 100}


class LevelForm(forms.Form):
    level = forms.CharField(max_length=3, help_text="T1–T12 or L1–L5")
    anterior = forms.DecimalField(label="Anterior height (mm)", **MM)
    middle = forms.DecimalField(label="Middle height (mm)", **MM)
    posterior = forms.DecimalField(label="Posterior height (mm)", **MM)
    reference = forms.DecimalField(label="Reference height (mm)", help_text="the expected height, e.g. an adjacent normal body", **MM)
    oedema = forms.ChoiceField(label="MRI bone-marrow oedema", choices=Oedema.choices, initial=Oedema.NOT_ASSESSED)
    retropulsion = forms.ChoiceField(label="Retropulsed fragment", choices=Finding.choices,
                                     initial=Finding.NOT_ASSESSED)
    fracture_age_weeks = forms.IntegerField(label="Fracture age (weeks)", min_value=0, max_value=520, required=False)
    pain_nrs = forms.IntegerField(label="Pain at this level (NRS 0–10)", min_value=0, max_value=10, required=False)
    above_reference_confirmed = forms.BooleanField(
        label="A height above the reference is correct", required=False,
        help_text="only if a measured height really is above the reference height (it grades as no loss)")

    def clean_level(self) -> str:
        try:
            return parse_level(self.cleaned_data["level"]).name
        except CodingError as exc:
            raise forms.ValidationError(str(exc)) from None


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class FactsForm(forms.Form):
    payer_record = forms.ChoiceField(label="Payer", required=False)
    setting = forms.ChoiceField(label="Care setting", choices=[("", "Not documented"), *CareSetting.choices],
                                required=False)
    pain_nrs = forms.IntegerField(label="Pain NRS despite care (0–10)", min_value=0, max_value=10, required=False)
    pain_worsening = forms.ChoiceField(label="Pain worsening", choices=TRI, required=False)
    conservative_care_weeks = forms.IntegerField(label="Failed conservative care (weeks)", min_value=0,
                                                 max_value=520, required=False)
    analgesic_weeks = forms.IntegerField(label="Analgesics (weeks)", min_value=0, max_value=520, required=False)
    exercise_weeks = forms.IntegerField(label="Exercise / physiotherapy (weeks)", min_value=0, max_value=520,
                                        required=False)
    conservative_care = forms.CharField(label="Conservative-care history", widget=forms.Textarea(attrs={"rows": 3}),
                                        required=False, max_length=4000)
    rdq = forms.IntegerField(label="RDQ (0–24)", min_value=0, max_value=24, required=False)
    kyphosis = forms.ChoiceField(label="Kyphotic deformity", choices=TRI, required=False)
    bone_density_referral = forms.ChoiceField(label="Bone-density referral documented", choices=TRI, required=False)
    osteoporosis_education = forms.ChoiceField(label="Osteoporosis education documented", choices=TRI,
                                               required=False)
    osteoporosis_programme = forms.ChoiceField(label="Enrolled in an osteoporosis programme", choices=TRI,
                                               required=False)
    osteoporosis = forms.ChoiceField(label="Osteoporosis (ICD-10-CM)", choices=OSTEOPOROSIS_CHOICES)
    encounter = forms.ChoiceField(label="Encounter (7th character)", choices=ENCOUNTER_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer = self.fields["payer_record"]
        assert isinstance(payer, forms.ChoiceField)  # declared above; narrows Field to ChoiceField
        payer.choices = [("", "Not chosen")] + [(k, v["payer"]) for k, v in shipped_records().items()]

    def values(self) -> dict[str, Any]:
        c = dict(self.cleaned_data)
        for name in ("pain_worsening", "kyphosis", "bone_density_referral", "osteoporosis_education",
                     "osteoporosis_programme"):
            c[name] = _tri(c[name])
        return c


def initial_facts(row: Candidacy | None) -> dict[str, Any]:
    if row is None:
        return {}
    out: dict[str, Any] = {}
    for name in FactsForm.base_fields:
        value = getattr(row, name)
        out[name] = {True: "yes", False: "no", None: ""}[value] if value is None or isinstance(value, bool) else value
    return out
