"""What the intake reads back ("We read this as: …") for lines that name a kind of medicine
rather than one medicine. The knowledge base gives them internal names ("unspecified-blood-thinner",
"insulin (type not stated)", the premixed insulins' "a/b 70/30"); the patient reads plain words
in their language. Every other ingredient is its generic name (in Spanish from the clinical
table of Spanish names)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kyphoplan.clinical.drugs import PseudoIngredient

PLAIN: dict[str, Promise] = {
    PseudoIngredient.BLOOD_THINNER: _("a blood thinner (the name is not given)"),
    PseudoIngredient.INSULIN_PUMP: _("insulin pump"),
    PseudoIngredient.INSULIN_UNSPECIFIED: _("insulin (the type is not given)"),
    PseudoIngredient.INSULIN_PREMIXED_UNSPECIFIED: _("premixed insulin (the mix is not given)"),
    "insulin isophane/regular 70/30": _("premixed insulin, NPH and regular 70/30"),
    "insulin isophane/regular 50/50": _("premixed insulin, NPH and regular 50/50"),
    "insulin lispro protamine/lispro 75/25": _("premixed insulin lispro 75/25"),
    "insulin lispro protamine/lispro 50/50": _("premixed insulin lispro 50/50"),
    "insulin aspart protamine/aspart 70/30": _("premixed insulin aspart 70/30"),
}


def plain_name(name: str, spanish: dict[str, str]) -> str:
    """The ingredient as the patient reads it; `spanish` is empty for English."""
    if name in PLAIN:
        return str(PLAIN[name])
    return spanish.get(name, name)
