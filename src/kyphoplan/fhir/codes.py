"""Codes on the medicines we emit: RxNorm ingredient codes only where REFERENCE.md §14
marks them verified (they live in the drug knowledge base as `rxcui`), text otherwise.
Codings an EHR gave on import are kept as they came."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kyphoplan.clinical.drugs import load_drug_knowledge
from kyphoplan.clinical.recognition import RecognitionNote, recognize
from kyphoplan.clinical.recognition_codes import RXNORM


def verified_rxnorm(text: str) -> dict[str, str] | None:
    """The RxNorm ingredient coding of a line that names one medicine for sure, if verified."""
    med = recognize(text)
    if not med.recognized or len(med.ingredients) != 1 or med.patient_unsure:
        return None
    if any(note.startswith(RecognitionNote.SPELLING_CORRECTED) for note in med.notes):
        return None  # a guessed spelling is not a code
    ingredient = load_drug_knowledge().ingredients.get(med.ingredients[0])
    if ingredient is None or not ingredient.rxcui:
        return None
    return {"system": RXNORM, "code": ingredient.rxcui, "display": ingredient.name}


def coded_medicine(text: str, given: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """CodeableConcept: the text, the EHR's codings, then our verified RxNorm coding if not among them."""
    codings = [{k: str(v) for k, v in c.items() if k in ("system", "code", "display")} for c in given]
    ours = verified_rxnorm(text)
    if ours and not any((c.get("system"), c.get("code")) == (ours["system"], ours["code"]) for c in codings):
        codings.append(ours)
    return {"text": text, **({"coding": codings} if codings else {})}
