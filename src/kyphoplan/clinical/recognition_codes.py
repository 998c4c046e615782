"""A medicine line with the codes an EHR gave for it → RecognizedMedication.

A code is read before the text, but only a code the knowledge base holds: RxNorm
ingredient codes verified in REFERENCE.md §14 (warfarin, aspirin, clopidogrel,
prasugrel, ticagrelor). Other codes (product-level RxNorm, SNOMED CT) are kept by
the caller and the line is read from its text, as before.

Both readings are recorded in the notes. When code and text agree, the text's
reading stands (it has the dose and frequency). When they disagree, nothing is
dropped: the result holds every ingredient either names and is marked unsure, so
a clinician decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kyphoplan.clinical.drugs import DrugKnowledge, PseudoIngredient, load_drug_knowledge
from kyphoplan.clinical.model import Coding, RecognizedMedication
from kyphoplan.clinical.recognition import RecognitionNote, recognize

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CODED = "identified by code"


def ingredient_by_code(codes: Iterable[Coding], knowledge: DrugKnowledge) -> tuple[str, Coding] | None:
    """The ingredient a verified RxNorm ingredient code names, with that code; else None."""
    by_rxcui = {i.rxcui: i.name for i in knowledge.ingredients.values() if i.rxcui}
    for coding in codes:
        if coding.system == RXNORM and coding.code in by_rxcui:
            return by_rxcui[coding.code], coding
    return None


def recognize_coded(
    line: str, codes: Iterable[Coding], knowledge: DrugKnowledge | None = None
) -> RecognizedMedication:
    by_text = recognize(line, knowledge)
    kb = knowledge or load_drug_knowledge()
    hit = ingredient_by_code(codes, kb)
    if hit is None:
        return by_text
    name, coding = hit
    said = f"{CODED}: RxNorm {coding.code} is {name}"
    if by_text.recognized and by_text.ingredients == (name,):
        return replace(by_text, notes=(*by_text.notes, f"{said}; the text agrees"))
    if by_text.ingredients == (PseudoIngredient.BLOOD_THINNER,) and kb.ingredient(name).is_antithrombotic:
        # "antiplatelet, 75 mg once daily": the text gives the kind, dose and frequency; the code names it.
        route = by_text.route or kb.ingredient(name).route
        return replace(
            by_text, ingredients=(name,), classes=(kb.ingredient(name).class_for_route(route),), route=route,
            matched=f"{by_text.matched} + RxNorm {coding.code}", patient_unsure=RecognitionNote.PATIENT_UNSURE in by_text.notes,
            notes=(*[n for n in by_text.notes if n != RecognitionNote.BLOOD_THINNER_NOT_NAMED],
                   f"{said}; the text says only that it is a blood thinner"))
    if by_text.recognized:
        ingredients = (*by_text.ingredients, name) if name not in by_text.ingredients else by_text.ingredients
        note = f"{said}; the text reads as {' + '.join(by_text.ingredients)}: check the line"
    else:
        ingredients = (name,)
        note = f"{said}; the text was not recognised"
    route = by_text.route or kb.ingredient(name).route
    return RecognizedMedication(
        input=line,
        recognized=True,
        ingredients=ingredients,
        classes=tuple(kb.ingredient(n).class_for_route(route) for n in ingredients),
        brand=by_text.brand,
        dose=None,  # the text's dose may belong to another ingredient than the code's
        frequency=by_text.frequency,
        route=route,
        matched=" + ".join(x for x in (by_text.matched, f"RxNorm {coding.code}") if x),
        # Code and text disagree, or only the code speaks: a clinician confirms.
        patient_unsure=True,
        notes=tuple(dict.fromkeys((*[n for n in by_text.notes if n != RecognitionNote.NOT_RECOGNIZED], note,
                                   *([] if by_text.frequency else [str(RecognitionNote.FREQUENCY_NOT_STATED)])))),
    )
