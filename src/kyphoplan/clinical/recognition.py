"""Free-text medicine lines -> RecognizedMedication.

How a line is read:
1. fold it (lower case, no accents; same length, so spans quote the original);
2. find names: the longest known alias at each word (brands, generics, Spanish
   spellings, combinations), then a strict spelling-tolerant fallback for words
   that matched nothing (`recognition_fuzzy`), then phrases that say "a blood
   thinner" without naming it;
3. blank the names out and read the frequency, then the route, then the strength.

The result always carries the exact input. A line that names nothing is kept,
recognized=False, with a note saying why; nothing here raises for odd text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from kyphoplan.clinical.drugs import (
    ANTITHROMBOTIC_CLASSES,
    INSULIN_CLASSES,
    DrugKnowledge,
    Product,
    PseudoIngredient,
    load_drug_knowledge,
)
from kyphoplan.clinical.model import RecognizedMedication
from kyphoplan.clinical.recognition_dose import build_dose, read_dose
from kyphoplan.clinical.recognition_frequency import read_frequency
from kyphoplan.clinical.recognition_fuzzy import fuzzy_match
from kyphoplan.clinical.recognition_negation import Dropped, drop_names_not_taken
from kyphoplan.clinical.recognition_route import read_route, resolve_route
from kyphoplan.clinical.recognition_text import Token, blank, fold, tokenize


class RecognitionNote(StrEnum):
    """Fixed notes a planner may test for (dynamic details follow after ': ')."""

    NO_MEDICINE_NAMED = "no medicine named"
    NOT_TAKEN = "line says the medicine is not taken"
    NOT_RECOGNIZED = "medicine not recognised"
    PATIENT_UNSURE = "patient unsure"
    BLOOD_THINNER_NOT_NAMED = "blood thinner not named"
    INSULIN_TYPE_NOT_STATED = "insulin type not stated"
    SEVERAL_MEDICINES = "several medicines on one line"
    SPELLING_CORRECTED = "spelling corrected"
    STOPPED = "line says the medicine was stopped or is on hold"
    FREQUENCY_NOT_STATED = "frequency not stated"
    PUMP_INSULIN = "insulin in the pump"


_UNSURE = re.compile(
    r"\b(?:not\s+sure|unsure|uncertain|not\s+certain|don'?t\s+know|do\s+not\s+know|dont\s+know"
    r"|don'?t\s+remember|do\s+not\s+remember|dont\s+remember|can'?t\s+remember|cannot\s+remember"
    r"|forgot|forget|unknown|no\s+idea|i\s+think|maybe|possibly|not\s+clear"
    # "no sé" (I don't know), not the reflexive "para que no se coagule".
    r"|no\s+se\s+(?:que|el|la|los|cual|como|si|cuanto|cuando|bien|exactamente|nombre|para)\b"
    r"|no\s+se\W*$|^\W*no\s+se\b"
    r"|no\s+lo\s+se\b|no\s+recuerdo|no\s+me\s+acuerdo|no\s+estoy\s+segur[oa]|desconozco"
    r"|desconocid[oa]|ni\s+idea|olvide|creo\s+que|tal\s+vez|quizas?|no\s+conozco)"
    r"|\?\s*$"
)
_NONE_LINE = re.compile(
    r"^\W*(?:none|nothing|nil|n/?a|no|nope|nkda|nka|no\s+(?:known\s+|current\s+|home\s+|daily\s+"
    r"|regular\s+|prescription\s+|other\s+|routine\s+)*(?:meds?|medications?|medicines?|drugs?|pills"
    r"|prescriptions?)(?:\s+(?:at\s+this\s+time|currently|now|reported|taken))?"
    r"|not\s+(?:taking|on)\s+(?:any(?:thing)?|medications?|meds|medicines?)(?:\s+\w+)*"
    r"|(?:patient\s+)?takes?\s+no\s+(?:meds?|medications?|medicines?)(?:\s+\w+)*|denies(?:\s+\w+)*"
    r"|ninguno|ninguna|nada|no\s+tomo\s+(?:nada|medicamentos|medicinas|ningun\w*)(?:\s+\w+)*"
    r"|sin\s+medicamentos|sin\s+medicinas|no\s+toma\s+(?:nada|medicamentos|medicinas)(?:\s+\w+)*"
    r"|ningun\s+medicamento|no\s+medicamentos|see\s+(?:attached|list|above|below)(?:\s+\w+)*"
    r"|same\s+as\s+(?:before|last\s+time))\W*$"
)
_NEGATED = re.compile(
    r"^\W*(?:no|not\s+(?:taking|on)|denies|never\s+(?:took|taken|taking|on)|sin|ningun\w*|nunca)\s+"
    r"(?!s[e]\b|lo\s+s[e]\b|recuerdo|me\s+acuerdo|estoy\s+segur|idea\b|longer\b|sure\b)"
)
_STOPPED = re.compile(
    r"\b(?:stopped|discontinued|d/c'?d|dc'?d|no\s+longer|not\s+taking\s+(?:it\s+)?(?:any\s*more|now)"
    r"|quit|on\s+hold|held\s+(?:for|since|until)|ya\s+no|deje\s+de|dejo\s+de|suspendid[oa]"
    r"|suspendi|descontinuad[oa])\b"
)
_BLOOD_THINNER_PHRASE = re.compile(
    r"\b(?:thins?|thinning|thinner|thinners)\s+(?:out\s+)?(?:my\s+|the\s+|his\s+|her\s+)?blood\b"
    r"|\bblood\s+thin\w*|\b(?:adelgaza\w*|diluy\w*|diluir|aguada\w*|aguadar|ralear|rebaja\w*)\s+"
    r"(?:la\s+)?sangre\b|\bpara\s+(?:que\s+)?(?:no\s+se\s+)?(?:coagul\w*|cuaje)"
    r"|\bpara\s+los\s+coagulos|\bsangre\s+(?:rala|delgada|ligera)\b|\banticoagul\w*|\bantiagregant\w*"
    r"|\b(?:prevent|for|against)\s+(?:blood\s+)?clots\b|\banti-?platelet\w*"
)
_HAS_LETTERS = re.compile(r"[a-z]")
_PUMP_WORD = re.compile(r"\b(?:pump|bomba)\b")
_DOUBT_BEFORE = re.compile(
    r"(?:not\s+sure|unsure|don'?t\s+know|do\s+not\s+know|dont\s+know|no\s+idea|wonder(?:ing)?"
    r"|no\s+se|no\s+estoy\s+segur[oa]|ni\s+idea|not\s+certain|can'?t\s+tell)\s+(?:if|whether|si)\b"
    r"[^.;]*$"
)


@dataclass(frozen=True)
class _NameMatch:
    product: Product
    start: int  # span in the line
    end: int
    corrected: str | None = None  # the name a misspelt word was read as

    @property
    def ingredients(self) -> tuple[str, ...]:
        return self.product.ingredients


RECOGNITION_CACHE_SIZE = 8192


def recognize(line: str, knowledge: DrugKnowledge | None = None) -> RecognizedMedication:
    """Recognise one free-text medicine line. Never drops the line: `input` is `line`.

    With the shipped knowledge base the result is cached per line: recognition is
    a pure function of the text, and the same lines ("metformin 500 mg BID") come
    back across patients and every re-plan. `clear_recognition_cache()` empties it."""
    if knowledge is None:
        return _recognize_shipped(line)
    return _recognize(line, knowledge)


@lru_cache(maxsize=RECOGNITION_CACHE_SIZE)
def _recognize_shipped(line: str) -> RecognizedMedication:
    return _recognize(line, load_drug_knowledge())


_OTHER_LINE_CACHES: list[Callable[[], None]] = []


def register_line_cache(clear: Callable[[], None]) -> None:
    """Another per-line cache of shipped knowledge (allergy lines) that
    `clear_recognition_cache()` empties too."""
    _OTHER_LINE_CACHES.append(clear)


def clear_recognition_cache() -> None:
    _recognize_shipped.cache_clear()
    for clear in _OTHER_LINE_CACHES:
        clear()


def _recognize(line: str, knowledge: DrugKnowledge) -> RecognizedMedication:
    folded = fold(line)
    unsure = _UNSURE.search(folded) is not None
    if not _HAS_LETTERS.search(folded) or _NONE_LINE.match(folded):
        return _unrecognized(line, unsure, RecognitionNote.NO_MEDICINE_NAMED)
    names = _find_names(folded, knowledge)
    if _NEGATED.match(folded):
        note = RecognitionNote.NOT_TAKEN if names else RecognitionNote.NO_MEDICINE_NAMED
        return _unrecognized(line, unsure, note)
    if not names:
        return _unrecognized(line, unsure, RecognitionNote.NOT_RECOGNIZED)
    names, dropped = drop_names_not_taken(folded, names)
    if not names:
        note = RecognitionNote.NOT_TAKEN if dropped is Dropped.NOT_TAKEN else RecognitionNote.NO_MEDICINE_NAMED
        return _unrecognized(line, unsure, note)

    notes: list[str] = []
    ingredients = _resolve_ingredients(names, folded, knowledge, notes)
    rest = blank(folded, [(m.start, m.end) for m in names])
    frequency_reading = read_frequency(rest)
    rest = blank(rest, frequency_reading.spans)
    first = names[0].product
    usual_route = first.route or knowledge.ingredient(ingredients[0]).route
    route = resolve_route(read_route(rest), usual_route)
    classes = tuple(knowledge.ingredient(name).class_for_route(route) for name in ingredients)
    if any(note.startswith(RecognitionNote.PUMP_INSULIN) for note in notes):
        # The insulin named on a pump line is delivered by the pump: the pump rule applies.
        classes = tuple("insulin-pump" if c in INSULIN_CLASSES else c for c in classes)
    implied = next((m.product.strength for m in names if m.product.strength is not None), None)
    dose = build_dose(
        read_dose(rest),
        tuple(knowledge.ingredient(name).unit for name in ingredients),
        implied,
        frequency_reading.other_days_dose,
    )
    blood_thinner_unnamed = PseudoIngredient.BLOOD_THINNER in ingredients
    if blood_thinner_unnamed:
        notes.append(RecognitionNote.BLOOD_THINNER_NOT_NAMED)
    if PseudoIngredient.INSULIN_UNSPECIFIED in ingredients:
        notes.append(RecognitionNote.INSULIN_TYPE_NOT_STATED)
    if unsure:
        notes.append(RecognitionNote.PATIENT_UNSURE)
    if _STOPPED.search(folded):
        notes.append(RecognitionNote.STOPPED)
    kept = [m for m in names if set(m.product.ingredients) <= set(ingredients)]
    if len({m.product.ingredients for m in kept}) > 1:
        notes.append(RecognitionNote.SEVERAL_MEDICINES)
    for match in names:
        if match.corrected is not None:
            notes.append(
                f"{RecognitionNote.SPELLING_CORRECTED}: "
                f"{line[match.start : match.end]!r} read as {match.corrected!r}"
            )
    if frequency_reading.frequency is None:
        notes.append(RecognitionNote.FREQUENCY_NOT_STATED)
    brand = next((m.product.name for m in kept if m.product.brand), None)
    ingredients, classes = _split_premixes(ingredients, classes, notes)
    return RecognizedMedication(
        input=line,
        recognized=True,
        ingredients=ingredients,
        classes=classes,
        brand=brand,
        dose=dose,
        frequency=frequency_reading.frequency,
        route=route,
        matched=" + ".join(line[m.start : m.end] for m in names),
        patient_unsure=unsure or blood_thinner_unnamed,
        notes=tuple(dict.fromkeys(str(note) for note in notes)),
    )


# "insulin isophane/regular 70/30" -> "insulin isophane" + "insulin regular": the
# contract names generic ingredients; the mix stays one premixed product (both
# parts carry the premixed class) and its ratio is kept in a note.
_PREMIX_NAME = re.compile(r"^insulin (?P<first>[a-z ]+)/(?P<second>[a-z ]+) (?P<ratio>\d{2}/\d{2})$")
PREMIX_NOTE = "premixed insulin"


def _split_premixes(
    ingredients: tuple[str, ...], classes: tuple[str, ...], notes: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    split_names: list[str] = []
    split_classes: list[str] = []
    for name, drug_class in zip(ingredients, classes, strict=True):
        match = _PREMIX_NAME.match(name) if drug_class == "insulin-premixed" else None
        if match is None:
            split_names.append(name)
            split_classes.append(drug_class)
            continue
        split_names += [f"insulin {match['first']}", f"insulin {match['second']}"]
        split_classes += [drug_class, drug_class]
        notes.append(f"{PREMIX_NOTE}: {name}")
    return tuple(split_names), tuple(split_classes)


def _unrecognized(line: str, unsure: bool, reason: RecognitionNote) -> RecognizedMedication:
    notes = (reason, RecognitionNote.PATIENT_UNSURE) if unsure else (reason,)
    return RecognizedMedication(
        input=line, recognized=False, patient_unsure=unsure, notes=tuple(str(n) for n in notes)
    )


def _find_names(folded: str, knowledge: DrugKnowledge) -> list[_NameMatch]:
    tokens = tokenize(folded)
    found: list[_NameMatch] = []
    position = 0
    while position < len(tokens):
        match = _longest_alias(tokens, position, knowledge)
        if match is not None:
            product, length = match
            found.append(_NameMatch(product, tokens[position].start, tokens[position + length - 1].end))
            position += length
            continue
        token = tokens[position]
        fuzzy = None
        if token.is_word and _may_be_a_name(folded, tokens, position):
            fuzzy = fuzzy_match(token.text, knowledge)
        if fuzzy is not None:
            found.append(_NameMatch(fuzzy.product, token.start, token.end, fuzzy.alias))
        position += 1
    if not any(m.product.ingredients == (PseudoIngredient.BLOOD_THINNER,) for m in found):
        phrase = _BLOOD_THINNER_PHRASE.search(folded)
        if phrase is not None and not _overlaps(phrase.span(), found):
            unnamed = knowledge.product("blood thinner")
            if unnamed is not None:
                found.append(_NameMatch(unnamed, phrase.start(), phrase.end()))
    # "water pill - not sure if it is a blood thinner": a doubt, not a blood thinner.
    found = [
        m
        for m in found
        if m.product.ingredients != (PseudoIngredient.BLOOD_THINNER,)
        or not _DOUBT_BEFORE.search(folded[: m.start])
    ]
    found.sort(key=lambda m: m.start)
    return found


_JOINING_WORDS = frozenset({"and", "y", "plus", "with", "con", "mas", "also", "tambien", "e"})
_LEADING_WORDS = 4


def _may_be_a_name(folded: str, tokens: list[Token], position: int) -> bool:
    """Whether a word sits where patients write names: among the first words of the
    line, or right after "and", "+", "," ... A misspelling-like word deep in a
    sentence ("... cambio cada semana") is more likely prose than a medicine."""
    words_before = [t for t in tokens[:position] if t.is_word]
    if len(words_before) < _LEADING_WORDS:
        return True
    if words_before[-1].text in _JOINING_WORDS:
        return True
    before = folded[: tokens[position].start].rstrip()
    return before.endswith((",", ";", "+", "&", "/"))


def _longest_alias(
    tokens: list[Token], position: int, knowledge: DrugKnowledge
) -> tuple[Product, int] | None:
    longest = min(knowledge.alias_lengths.get(tokens[position].text, 0), len(tokens) - position)
    for length in range(longest, 0, -1):
        key = tuple(token.text for token in tokens[position : position + length])
        product = knowledge.aliases.get(key)
        if product is not None:
            return product, length
    return None


def _overlaps(span: tuple[int, int], found: list[_NameMatch]) -> bool:
    return any(span[0] < m.end and m.start < span[1] for m in found)


def _resolve_ingredients(
    names: list[_NameMatch], folded: str, knowledge: DrugKnowledge, notes: list[str]
) -> tuple[str, ...]:
    ordered = list(dict.fromkeys(name for m in names for name in m.product.ingredients))
    classes = {name: knowledge.ingredient(name).drug_class for name in ordered}
    # A named medicine makes the generic mention redundant: "Eliquis (blood thinner)",
    # "Lantus insulin", "Humulin 70/30 mixed insulin".
    if any(c in ANTITHROMBOTIC_CLASSES and n != PseudoIngredient.BLOOD_THINNER for n, c in classes.items()):
        ordered = [n for n in ordered if n != PseudoIngredient.BLOOD_THINNER]
    specific_insulin = [n for n in ordered if classes[n] in INSULIN_CLASSES and n not in _GENERIC_INSULINS]
    if specific_insulin:
        ordered = [n for n in ordered if n not in _GENERIC_INSULINS]
    elif PseudoIngredient.INSULIN_PREMIXED_UNSPECIFIED in ordered:
        ordered = [n for n in ordered if n != PseudoIngredient.INSULIN_UNSPECIFIED]
    if _PUMP_WORD.search(folded) and any(classes[n] in INSULIN_CLASSES for n in ordered):
        # "Insulin lispro per pump", "Novolog in my pump": the line is a pump line.
        ordered.insert(0, PseudoIngredient.INSULIN_PUMP)
        ordered = list(dict.fromkeys(ordered))
        classes[PseudoIngredient.INSULIN_PUMP] = "insulin-pump"
    if PseudoIngredient.INSULIN_PUMP in ordered:
        # The pump's own insulin is given as basal/bolus through the pump, so the
        # plan follows the pump rule. The contract wants generic ingredients: a
        # named insulin stays the ingredient, with the pump as its class; only a
        # pump line that names no insulin keeps the "insulin pump" placeholder.
        in_pump = [n for n in ordered if classes[n] in INSULIN_CLASSES and n != PseudoIngredient.INSULIN_PUMP]
        if in_pump:
            notes.append(f"{RecognitionNote.PUMP_INSULIN}: {', '.join(in_pump)}")
            ordered = [n for n in ordered if n != PseudoIngredient.INSULIN_PUMP]
    return tuple(str(name) for name in ordered)


_GENERIC_INSULINS = frozenset(
    {PseudoIngredient.INSULIN_UNSPECIFIED, PseudoIngredient.INSULIN_PREMIXED_UNSPECIFIED}
)
