"""Names a medicine line mentions but the patient does not take.

A false "stop aspirin" is a harm too, so a name is dropped when the line's own
words say it is not taken: "aspirin free", "no Advil or aspirin", "Tylenol
instead of aspirin", "allergic to aspirin", "alérgica a la aspirina", "heparin
allergy"; when it is another thing with the same letters ("ASA class III", the
anaesthesia score); or when the line is about a supply, not a medicine ("insulin
pen needles", "Bayer Contour glucose meter", "St. Joseph hospital discharge list").
A line whose names are all dropped stays unrecognised (and reaches a clinician).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol, TypeVar

from kyphoplan.clinical.drugs import PseudoIngredient


class Dropped(StrEnum):
    NOT_TAKEN = "not-taken"
    NOT_A_MEDICINE = "not-a-medicine"


class _Named(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def ingredients(self) -> tuple[str, ...]: ...


N = TypeVar("N", bound=_Named)

# A cue between the previous name (or the line start) and this name: the name is negated.
_BEFORE = re.compile(
    r"(?:\bno\b(?!\s+(?:se|lo|me|longer|more|recuerdo|changes?)\b)|\bnot\b|\bwithout\b|\binstead\s+of\b"
    r"|\bsin\b|\bnunca\b|\bnever\b|\bnor\b|\bni\b(?!\s+idea)|\bavoid\w*|\bdenies\b|\ballergic\s+to\b"
    r"|\ballergy\s+to\b|\ballergies\s+to\b|\bintoleran\w*\s+to\b|\balergic[oa]s?\s+a\b|\balergia\s+a\b"
    r"|\bcan'?t\s+take\b|\bcannot\s+take\b|\bno\s+puedo\s+tomar\b)[^;.]*$"
)
# Words right after a name that say it is not taken or not a medicine.
_AFTER_NOT_TAKEN = re.compile(r"^[\s\-:(]*(?:free\b|allerg\w*|alergi\w*|intoleran\w*)")
_AFTER_NOT_MEDICINE = re.compile(r"^[\s\-:(]*(?:hospital|clinic|medical\s+center|health\s+system)\b")
# Only joining words between two names: a negation carries over ("no Advil or aspirin").
_JOINED = re.compile(r"^[\s,/&+]*(?:or|and|nor|ni|o|y|u|e)?[\s,/&+]*$")
# "ASA class III", "ASA physical status 2": the anaesthesia score, not aspirin.
_ASA_SCORE = re.compile(r"^[\s\-:]*(?:class\w*|physical|status|score|grade|ps\b|clase\b)")
_ASA = frozenset({"asa", "a.s.a", "a.s.a."})
# A line about supplies or devices, not a medicine (an insulin pump is a medicine line).
_SUPPLY = re.compile(
    r"\b(?:needles?|syringes?|lancets?|test\s+strips?|strips|glucose\s+meter|glucometer|meter|sensors?"
    r"|agujas?|jeringas?|jeringuillas?|lancetas?|tiras(?:\s+reactivas)?|glucometro)\b"
)

_STRENGTH = re.compile(r"\d\s*(?:mg|mcg|units?|u|iu|ml|unidades)\b")


def drop_names_not_taken(folded: str, names: Sequence[N]) -> tuple[list[N], Dropped | None]:
    """The names the patient takes, and why the others were dropped (None if none were)."""
    kept: list[N] = []
    reason: Dropped | None = None
    # "enoxaparin 40 mg/0.4 mL syringe" is a medicine in a syringe: a strength keeps it.
    supply = _SUPPLY.search(folded) is not None and not _STRENGTH.search(folded)
    boundary = 0
    negated_before = False
    for name in names:
        gap = folded[boundary : name.start]
        after = folded[name.end :]
        negated = bool(_BEFORE.search(gap)) or (negated_before and bool(_JOINED.match(gap)))
        text = folded[name.start : name.end]
        if negated or _AFTER_NOT_TAKEN.match(after):
            reason = Dropped.NOT_TAKEN
        elif (text in _ASA and _ASA_SCORE.match(after)) or _AFTER_NOT_MEDICINE.match(after) or (supply and PseudoIngredient.INSULIN_PUMP not in name.ingredients):
            reason = reason or Dropped.NOT_A_MEDICINE
        else:
            kept.append(name)
        negated_before = negated
        boundary = name.end
    return kept, reason
