"""The intake form. The same form serves the patient (by link) and a coordinator (on the phone).

Lines are plain numbered fields so the form works without JavaScript: "Add
another line" saves and shows the page again with an empty row more; with
JavaScript the row is added in place. Lines are text areas, so a long line wraps.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyphoplan.web.formats import patient_date, plain_number

EMPTY_ROWS = 2
MAX_ROWS = 40
LB_PER_KG = 2.2046226218
CM_PER_IN = 2.54

YES_NO = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I don't know"))]
DIABETES = [("none", _("No")), ("type1", _("Yes, type 1")), ("type2", _("Yes, type 2")),
            ("other", _("Yes, another type")), ("unknown", _("I don't know"))]
KIDNEY = [("no", _("No")), ("yes", _("Yes")), ("dialysis", _("Yes, and I have dialysis")),
          ("unknown", _("I don't know"))]
# "Why do you take this blood thinner?" (REFERENCE §4a): the answers become the
# contract's `indications`, so the plan knows about a recent stent or a metal valve.
THINNER_REASONS = [
    ("none", _("I do not take a blood thinner")),
    ("coronary-stent", _("A stent in a heart artery (a small tube to keep it open)")),
    ("mechanical-valve", _("A metal (mechanical) heart valve")),
    ("atrial-fibrillation", _("An uneven heartbeat (atrial fibrillation)")),
    ("stroke-or-tia", _("A stroke or a mini-stroke")),
    ("vte", _("A blood clot in a leg or a lung")),
    ("thrombophilia", _("My blood clots too easily (a clotting disorder)")),
    ("unknown", _("I don't know")),
]
STENT_TYPES = [
    ("drug-eluting", _("It gives off a medicine (drug-coated)")),
    ("bare-metal", _("Plain metal")),
    ("balloon-only", _("Only a balloon, no stent")),
    ("unknown", _("I don't know")),
]
WEIGHT_UNITS = [("lb", _("pounds")), ("kg", _("kilograms"))]
HEIGHT_UNITS = [("in", _("inches")), ("cm", _("centimetres"))]


# A line that wraps on a phone instead of scrolling out of sight; Enter is kept as a space.
_LINE = forms.Textarea(attrs={"rows": 2, "class": "line"})


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _tri_back(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "unknown")  # type: ignore[arg-type]


class IntakeForm(forms.Form):
    diabetes = forms.ChoiceField(label=_("Do you have diabetes?"), choices=DIABETES, widget=forms.RadioSelect,
                                 required=False)
    insulin = forms.ChoiceField(label=_("Do you use insulin?"), choices=YES_NO, widget=forms.RadioSelect,
                                required=False)
    kidney = forms.ChoiceField(label=_("Do you have kidney disease?"), choices=KIDNEY, widget=forms.RadioSelect,
                               required=False)
    smoker = forms.ChoiceField(label=_("Do you smoke?"), choices=YES_NO, widget=forms.RadioSelect, required=False)
    has_escort = forms.ChoiceField(
        label=_("Will an adult take you home and stay with you that day?"), choices=YES_NO,
        widget=forms.RadioSelect, required=False)
    escort_name = forms.CharField(label=_("Who will take you home? (name and phone)"), max_length=200,
                                  required=False)
    thinner_reasons = forms.MultipleChoiceField(
        label=_("Why do you take this blood thinner?"), choices=THINNER_REASONS,
        widget=forms.CheckboxSelectMultiple, required=False)
    stent_date = forms.DateField(
        label=_("When was the stent put in?"), required=False,
        help_text=_("If you do not know the day, choose the first day of the month."),
        widget=forms.DateInput(attrs={"type": "date"}))
    stent_type = forms.ChoiceField(label=_("What kind of stent is it?"), choices=STENT_TYPES,
                                   widget=forms.RadioSelect, required=False)
    weight = forms.DecimalField(label=_("Your weight"), min_value=10, max_value=900, decimal_places=1,
                                required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    weight_unit = forms.ChoiceField(label=_("Unit"), choices=WEIGHT_UNITS, initial="lb")
    height = forms.DecimalField(label=_("Your height"), min_value=20, max_value=260, decimal_places=1,
                                required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    height_unit = forms.ChoiceField(label=_("Unit"), choices=HEIGHT_UNITS, initial="in")

    def __init__(self, *args: Any, med_rows: int = EMPTY_ROWS, allergy_rows: int = EMPTY_ROWS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.med_rows = min(med_rows, MAX_ROWS)
        self.allergy_rows = min(allergy_rows, MAX_ROWS)
        for i in range(self.med_rows):
            self.fields[f"med_{i}"] = forms.CharField(label=_("Medicine %(n)s") % {"n": i + 1}, max_length=500,
                                                      required=False, widget=_LINE)
            self.fields[f"unsure_{i}"] = forms.BooleanField(label=_("I am not sure what this is"), required=False)
        for i in range(self.allergy_rows):
            self.fields[f"allergy_{i}"] = forms.CharField(label=_("Allergic to"), max_length=200, required=False)
            self.fields[f"reaction_{i}"] = forms.CharField(label=_("What happened"), max_length=200, required=False,
                                                           widget=_LINE)

    def clean_stent_date(self) -> Any:
        day = self.cleaned_data.get("stent_date")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future. Please check it."))
        return day

    def med_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"med_{i}"], self[f"unsure_{i}"]) for i in range(self.med_rows)]

    def allergy_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"allergy_{i}"], self[f"reaction_{i}"]) for i in range(self.allergy_rows)]

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        meds = [{"text": _one_line(c[f"med_{i}"]), "unsure": bool(c[f"unsure_{i}"])}
                for i in range(self.med_rows) if c.get(f"med_{i}", "").strip()]
        allergies = [{"substance": c[f"allergy_{i}"].strip(), "reaction": _one_line(c[f"reaction_{i}"])}
                     for i in range(self.allergy_rows) if c.get(f"allergy_{i}", "").strip()]
        weight = c.get("weight")
        weight_kg = None if weight is None else float(weight) / (LB_PER_KG if c["weight_unit"] == "lb" else 1)
        height = c.get("height")
        height_cm = None if height is None else float(height) * (CM_PER_IN if c["height_unit"] == "in" else 1)
        return {
            "medicines": meds, "allergies": allergies,
            "diabetes": c.get("diabetes") or "unknown", "insulin": _tri(c.get("insulin", "")),
            "kidney": c.get("kidney") or "unknown", "smoker": _tri(c.get("smoker", "")),
            "has_escort": _tri(c.get("has_escort", "")), "escort_name": c.get("escort_name", "").strip(),
            "weight_kg": None if weight_kg is None else round(weight_kg, 1),
            "height_cm": None if height_cm is None else round(height_cm, 1),
            "weight_entered": None if weight is None else [float(weight), c["weight_unit"]],
            "height_entered": None if height is None else [float(height), c["height_unit"]],
            "thinner_reasons": list(c.get("thinner_reasons") or []),
            "indications": indications_from(c),
        }


def indications_from(c: dict[str, Any]) -> list[dict[str, Any]]:
    """The contract's `indications` from the answers; "I don't know" adds nothing
    (the plan then reads the medicine lines' own words, and fails closed)."""
    found: list[dict[str, Any]] = []
    for reason in c.get("thinner_reasons") or []:
        if reason in ("none", "unknown"):
            continue
        item: dict[str, Any] = {"kind": reason}
        if reason == "coronary-stent":
            item["stent"] = c.get("stent_type") or "unknown"
            if c.get("stent_date"):
                item["date"] = c["stent_date"].isoformat()
        found.append(item)
    return found


def initial_from(data: dict[str, Any]) -> tuple[dict[str, Any], int, int]:
    """Form initial values from stored answers, plus how many rows to show."""
    initial: dict[str, Any] = {}
    meds = data.get("medicines", [])
    allergies = data.get("allergies", [])
    for i, m in enumerate(meds):
        initial[f"med_{i}"], initial[f"unsure_{i}"] = m["text"], m.get("unsure", False)
    for i, a in enumerate(allergies):
        initial[f"allergy_{i}"], initial[f"reaction_{i}"] = a["substance"], a.get("reaction", "")
    for name in ("diabetes", "kidney"):
        if data.get(name):
            initial[name] = data[name]
    for name in ("insulin", "smoker", "has_escort"):
        if name in data:
            initial[name] = _tri_back(data[name])
    initial["escort_name"] = data.get("escort_name", "")
    initial["thinner_reasons"] = data.get("thinner_reasons", [])
    stent = next((i for i in data.get("indications", []) if i.get("kind") == "coronary-stent"), None)
    if stent:
        initial["stent_type"], initial["stent_date"] = stent.get("stent"), stent.get("date")
    if data.get("weight_entered"):
        initial["weight"], initial["weight_unit"] = data["weight_entered"]
    if data.get("height_entered"):
        initial["height"], initial["height_unit"] = data["height_entered"]
    return initial, len(meds) + EMPTY_ROWS, len(allergies) + EMPTY_ROWS


def rows_from_post(post: Any) -> tuple[int, int]:
    def count(prefix: str) -> int:
        n = 0
        while f"{prefix}_{n}" in post and n < MAX_ROWS:
            n += 1
        return n
    more_meds = 1 if post.get("more") in ("1", "med") else 0
    more_allergies = 1 if post.get("more") == "allergy" else 0
    return (max(count("med"), EMPTY_ROWS) + more_meds, max(count("allergy"), EMPTY_ROWS) + more_allergies)


def unanswered(form: IntakeForm) -> list[str]:
    """The health questions left without an answer, by their label: the review step names them."""
    return [str(form.fields[name].label) for name in ("diabetes", "insulin", "kidney", "smoker", "has_escort")
            if not form.cleaned_data.get(name)]


def review_items(form: IntakeForm) -> list[tuple[str, str]]:
    """The answers as the patient gave them, question by question, for the review step."""
    c = form.cleaned_data
    items: list[tuple[str, str]] = []
    for name in ("diabetes", "insulin", "kidney", "smoker", "has_escort"):
        field = form.fields[name]
        chosen = dict(field.choices).get(c.get(name) or "", _("No answer"))  # type: ignore[attr-defined]
        items.append((str(field.label), str(chosen)))
    reasons = c.get("thinner_reasons") or []
    if reasons:  # the blood thinner's reasons, as ticked (and the stent's kind and date)
        labels = dict(form.fields["thinner_reasons"].choices)  # type: ignore[attr-defined]
        items.append((str(form.fields["thinner_reasons"].label), ", ".join(str(labels[r]) for r in reasons)))
        if c.get("stent_type"):
            kinds = dict(form.fields["stent_type"].choices)  # type: ignore[attr-defined]
            items.append((str(form.fields["stent_type"].label), str(kinds[c["stent_type"]])))
        if c.get("stent_date"):
            items.append((str(form.fields["stent_date"].label), patient_date(c["stent_date"])))
    if c.get("escort_name"):
        items.append((str(form.fields["escort_name"].label), c["escort_name"]))
    for name in ("weight", "height"):
        if c.get(name) is not None:
            unit = dict(form.fields[f"{name}_unit"].choices)[c[f"{name}_unit"]]  # type: ignore[attr-defined]
            items.append((str(form.fields[name].label), f"{plain_number(c[name])} {unit}"))
    return items
