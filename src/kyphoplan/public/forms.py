from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kyphoplan.public.risk import RiskFactor, Sex


class RiskCheckForm(forms.Form):
    factors = forms.MultipleChoiceField(
        label=_("Check each one that is true for you"),
        choices=RiskFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sex = forms.ChoiceField(
        label=_("Are you a woman or a man?"),
        choices=Sex.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    age = forms.IntegerField(label=_("Your age in years"), min_value=18, max_value=120, required=False)
    weight = forms.DecimalField(
        label=_("Your weight"), min_value=20, max_value=700, decimal_places=1, required=False
    )
    unit = forms.ChoiceField(
        label=_("Weight in"), choices=[("lb", _("pounds")), ("kg", _("kilograms"))], initial="lb"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get("age") is not None, data.get("weight") is not None, bool(data.get("sex"))]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("To get a bone score, fill in all three: woman or man, age, and weight.")
            )
        return data
