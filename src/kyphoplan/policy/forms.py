from __future__ import annotations

from django import forms

from kyphoplan.policy.models import ClinicalPolicy


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, strip=True,
                             help_text="Required: why the practice changes its policy (kept in the history).")

    class Meta:
        model = ClinicalPolicy
        fields = ["protocol", "range_bound", "fasting", "glp1", "metformin", "contrast",
                  "consult_lead_days", "radiologist_notice_days", "reason"]
