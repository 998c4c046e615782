"""Route words in a medicine line (English and Spanish)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kyphoplan.clinical.drugs import Route

_INJECTED = frozenset({Route.SUBCUTANEOUS, Route.INTRAMUSCULAR, Route.INTRAVENOUS})

# Specific route words, checked in this order; the first found decides.
_SPECIFIC: list[tuple[Route, re.Pattern[str]]] = [
    (Route.INTRAVENOUS, re.compile(r"\b(?:iv|i\.v\.?|ivpb|intravenous(?:ly)?|intravenos[oa]|drip|infusions?|infusion|goteo|por\s+(?:la\s+)?vena|en\s+la\s+vena)\b")),
    (Route.SUBCUTANEOUS, re.compile(r"\b(?:sc|s\.c\.?|subq|sub-q|sub\s+q|sq|s\.q\.?|subcut|sub-cut|subcutaneous(?:ly)?|subcutane[oa]|under\s+the\s+skin|bajo\s+la\s+piel|debajo\s+de\s+la\s+piel)\b")),
    (Route.INTRAMUSCULAR, re.compile(r"\b(?:im|i\.m\.?|intramuscular(?:ly)?|in\s+the\s+muscle|en\s+el\s+musculo)\b")),
    (Route.SUBLINGUAL, re.compile(r"\b(?:sl|s\.l\.?|sublingual(?:ly)?|under\s+(?:the|my)\s+tongue|(?:debajo|bajo)\s+de\s+la\s+lengua|bajo\s+la\s+lengua)\b")),
    (Route.NASAL, re.compile(r"\b(?:nasal|intranasal|nostrils?|nose\s+spray|en\s+la\s+nariz|fosas?\s+nasal(?:es)?|cada\s+fosa)\b")),
    (Route.OPHTHALMIC, re.compile(r"\b(?:eye\s*drops?|ophthalmic|(?:in|into)\s+(?:each|both|the|right|left|my)\s+eyes?|each\s+eye|both\s+eyes|ou|gotas\s+(?:para|en)\s+(?:los|el)\s+ojos?|gotas\s+oftalmicas|oftalmic[oa]|colirio|en\s+(?:cada|ambos|el|los)\s+ojos?)\b")),
    (Route.OTIC, re.compile(r"\b(?:ear\s*drops?|otic|(?:in|into)\s+(?:each|both|the|right|left|my)\s+ears?|gotas\s+(?:para|en)\s+(?:los|el)\s+oidos?|otic[oa])\b")),
    (Route.RECTAL, re.compile(r"\b(?:rectal(?:ly)?|per\s+rectum|suppositor(?:y|ies)|supositorios?|enemas?)\b")),
    (Route.VAGINAL, re.compile(r"\b(?:vaginal(?:ly)?|per\s+vagina|ovulos?\s+vaginales)\b")),
    (Route.INHALED, re.compile(r"\b(?:inhalers?|inhaled|inhalation|inh|puffs?|nebuli[sz]ers?|nebs?|nebuli[sz]ed|nebulizaciones|inhalador(?:es)?|inhalaci(?:on|ones)|disparos?|hfa|diskus|respimat|ellipta|handihaler|mdi)\b")),
    (Route.TRANSDERMAL, re.compile(r"\b(?:patch(?:es)?|transdermal|parches?)\b")),
    (Route.TOPICAL, re.compile(r"\b(?:creams?|ointments?|lotions?|gel|topical(?:ly)?|apply|applied|foam|shampoo|cremas?|pomadas?|unguentos?|locion(?:es)?|topic[oa]|aplicar|rub)\b")),
]  # fmt: skip
# Any of the specific route words: most lines name none, and one scan of the
# line then replaces one per route.
_ANY_SPECIFIC = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _SPECIFIC))
_INJECTION = re.compile(
    r"\b(?:injections?|inject(?:ed|s|able)?|shots?|pens?|auto-?injectors?|syringes?|flexpen|kwikpen"
    r"|solostar|flextouch|inyecci(?:on|ones)|inyectable|inyecta\w*|piquete|plumas?|jeringas?)\b"
)
_ORAL = re.compile(
    r"\b(?:po|p\.o\.?|by\s+mouth|orally|oral|tablets?|tabs?|capsules?|caps?|pills?|softgels?"
    r"|pastillas?|tabletas?|capsulas?|comprimidos?|por\s+(?:la\s+)?boca|via\s+oral|chewable|odt)\b"
)


@dataclass(frozen=True)
class RouteReading:
    route: Route | None  # a specific route word, or oral
    injected: bool  # a generic injection word ("shot", "pen", "injection")


def read_route(text: str) -> RouteReading:
    """Route words in folded text with the medicine names blanked out."""
    injected = _INJECTION.search(text) is not None
    if _ANY_SPECIFIC.search(text):
        for route, pattern in _SPECIFIC:
            if pattern.search(text):
                return RouteReading(route, injected)
    if not injected and _ORAL.search(text):
        return RouteReading(Route.ORAL, injected)
    return RouteReading(None, injected)


def resolve_route(reading: RouteReading, usual: str | None) -> str | None:
    """The route to report: what the line says, else the product's usual route.

    A generic injection word keeps an injected usual route ("Lovenox shot" stays
    subcutaneous, "Depo-Medrol shot" intramuscular) and otherwise means
    subcutaneous."""
    if reading.route is not None:
        return reading.route.value
    if reading.injected:
        return usual if usual in _INJECTED else Route.SUBCUTANEOUS.value
    return usual
