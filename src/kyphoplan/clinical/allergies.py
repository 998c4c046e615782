"""Free-text allergy lines -> AllergyAssessment (category and reaction).

The categories are the ones the plan acts on (REFERENCE.md §8, §11): a prior
reaction to iodinated contrast, bone cement or its components, gadolinium; and
the ones it must not over-read: shellfish and plain "iodine" allergy are not
contrast allergies (the engine asks for the actual reaction). A line is split
into the allergen and the reaction ("iodinated contrast - hives 2019",
"penicillin (rash)", "CT dye caused throat swelling", "anaphylaxis to sulfa").
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from kyphoplan.clinical.drugs import DrugKnowledge
from kyphoplan.clinical.model import AllergyAssessment
from kyphoplan.clinical.recognition import RECOGNITION_CACHE_SIZE, recognize, register_line_cache
from kyphoplan.clinical.recognition_text import fold


class AllergyCategory(StrEnum):
    IODINATED_CONTRAST = "iodinated-contrast"
    GADOLINIUM_CONTRAST = "gadolinium-contrast"
    SHELLFISH = "shellfish"
    IODINE = "iodine"
    BONE_CEMENT = "bone-cement"
    MEDICATION = "medication"
    LATEX = "latex"
    FOOD_OTHER = "food-other"
    ENVIRONMENTAL = "environmental"
    NO_KNOWN_ALLERGIES = "no-known-allergies"
    UNKNOWN = "unknown"


class ReactionSeverity(StrEnum):
    MILD = "mild"
    SEVERE = "severe"
    UNKNOWN = "unknown"


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


_NO_KNOWN_ALLERGIES = re.compile(
    r"^\W*(?:nkda|nka|nkfa|nkma|none|nil|no|n/?a|no\s+known(?:\s+drug|\s+food)?\s+allerg\w*"
    r"|no\s+(?:drug\s+|food\s+|medication\s+)?allerg\w*|denies(?:\s+any)?(?:\s+drug)?\s+allerg\w*"
    r"|(?:patient\s+)?has\s+no\s+(?:known\s+)?allerg\w*|ninguna|ninguno|nada"
    r"|no\s+(?:tengo|tiene|tenemos)\s+(?:ninguna\s+)?alergias?|sin\s+alergias(?:\s+conocidas)?"
    r"|niega\s+alergias(?:\s+\w+)*|no\s+alergias(?:\s+conocidas)?|alergias\s*:?\s*(?:ninguna|no|negadas))\W*$"
)
_LEAD_IN = re.compile(
    r"^\W*(?:(?:she|he|i|patient|pt)\s+(?:is|am|are)\s+)?(?:allergic\s+to|allergy\s+to|allergies\s*:"
    r"|allergy\s*:|alergic[oa]\s+a(?:l|\s+la)?|alergia\s+a(?:l|\s+la)?|alergias?\s*:|soy\s+alergic[oa]\s+a(?:l|\s+la)?)\s*"
)

# Category patterns on the allergen text (folded), checked in this order: the
# first that fits decides, so the plan-changing categories come first.
_BONE_CEMENT = _words(
    r"pmma", r"bone\s+cement", r"cement", r"methyl\s*methacrylate", r"methacrylates?", r"mma",
    r"acrylic(?:\s+cement)?", r"acrylates?", r"benzoyl\s+peroxide", r"n,?\s*n-?\s*dimethyl-?\s*p-?\s*toluidine",
    r"dimethyl-?p-?toluidine", r"dmpt", r"hydroquinone", r"barium(?:\s+sulfate|\s+sulphate)?",
    r"zirconium(?:\s+dioxide|\s+oxide)?", r"zirconia", r"cemento(?:\s+oseo)?", r"metacrilato\w*",
    r"metilmetacrilato", r"peroxido\s+de\s+benzoilo", r"hidroquinona", r"sulfato\s+de\s+bario", r"bario",
    r"dioxido\s+de\s+(?:circonio|zirconio)", r"circonio", r"zirconio",
)  # fmt: skip
_GADOLINIUM = _words(
    r"gadolinium", r"gadolinio", r"gado\w*", r"gadavist", r"gadobutrol", r"magnevist", r"dotarem",
    r"clariscan", r"multihance", r"prohance", r"omniscan", r"eovist", r"gadopentetate", r"gadoterate",
    r"mri\s+(?:dye|contrast|contraste)", r"(?:dye|contrast|contraste)\s+(?:for|of|from|de|para)\s+(?:the\s+|an?\s+|la\s+)?(?:mri|resonancia)",
    r"contraste\s+de\s+resonancia", r"resonancia\s+magnetica\s+con\s+contraste",
)  # fmt: skip
_IODINATED_CONTRAST = _words(
    r"iodinated(?:\s+contrast)?", r"(?:iv|i\.v\.|ct|cat|x-?ray|contrast|iodine|iodinated|radiology|radiocontrast|ivp)\s+dyes?",
    r"(?<!hair\s)(?<!food\s)(?<!red\s)(?<!blue\s)(?<!yellow\s)(?<!textile\s)dyes?", r"contrast(?:\s+media|\s+medium|\s+agents?)?",
    r"radiocontrast", r"ct\s+(?:scan\s+)?(?:contrast|dye)", r"omnipaque", r"iohexol", r"visipaque", r"iodixanol",
    r"isovue", r"iopamidol", r"optiray", r"ioversol", r"ultravist", r"iopromide", r"iomeron", r"iomeprol",
    r"conray", r"iothalamate", r"tinte(?:\s+de\s+contraste)?", r"medio\s+de\s+contraste", r"contraste(?:\s+yodado)?",
    r"yodo\s+(?:para|de|en)\s+(?:los\s+|las\s+)?(?:rayos\s*x|radiografias?|tomografias?|estudios?|contraste)",
    r"yodo\s+(?:intravenoso|iv|endovenoso)",
)  # fmt: skip
_IODINE = _words(
    r"iodine", r"iodide", r"iodophors?", r"yodo", r"yoduro", r"betadine", r"povidone(?:-?\s*iodine)?",
    r"povidona(?:\s+yodada)?", r"isodine", r"lugol\w*",
)  # fmt: skip
_LATEX = _words(r"latex", r"rubber(?:\s+gloves)?", r"hule", r"caucho", r"guantes\s+de\s+(?:latex|hule)")
_SHELLFISH = _words(
    r"shell\s*fish", r"seafood", r"sea\s+food", r"shrimps?", r"crabs?", r"lobsters?", r"prawns?",
    r"oysters?", r"clams?", r"mussels?", r"scallops?", r"crawfish", r"crayfish", r"mariscos?",
    r"camar(?:on|ones)", r"cangrejos?", r"langostas?", r"langostinos?", r"ostiones", r"ostras",
    r"almejas", r"mejillones", r"jaibas?",
)  # fmt: skip
_DRUG_FAMILIES = _words(
    r"penicillins?", r"penicilinas?", r"pcn", r"sulfa(?:\s+drugs?|\s+antibiotics?)?", r"sulfas",
    r"sulfonamides?", r"sulfonamidas", r"cephalosporins?", r"cefalosporinas?", r"nsaids?", r"aines",
    r"anti-?inflammator(?:y|ies)", r"antiinflamatorios?", r"opiates?", r"opioids?", r"narcotics?",
    r"opiaceos", r"antibiotics?", r"antibioticos?", r"statins?", r"estatinas", r"ace\s+inhibitors?",
    r"macrolides?", r"quinolones?", r"fluoroquinolones?", r"tetracyclines?", r"steroids?", r"esteroides",
    r"vaccines?", r"vacunas?", r"flu\s+shots?", r"tetanus(?:\s+shot)?", r"anesthe\w*", r"anaesthe\w*",
    r"anestesi\w*", r"novocaine?", r"novocaina", r"procaine", r"local\s+anesthetics?", r"propofol",
    r"chlorhexidine", r"clorhexidina", r"heparina?", r"insulina?", r"codeina", r"morfina", r"iv\s+antibiotics",
    r"muscle\s+relaxants?", r"blood\s+thinners?", r"sleeping\s+pills?", r"pain\s+(?:pills?|medicines?|medications?)",
)  # fmt: skip
_FOOD = _words(
    r"peanuts?", r"tree\s+nuts?", r"nuts?", r"almonds?", r"walnuts?", r"cashews?", r"pecans?", r"pistachios?",
    r"hazelnuts?", r"eggs?", r"egg\s+whites?", r"milk", r"dairy", r"lactose", r"wheat", r"gluten", r"soy",
    r"soya", r"sesame", r"fish", r"strawberr(?:y|ies)", r"tomato(?:es)?", r"chocolate", r"corn", r"citrus",
    r"oranges?", r"kiwi", r"bananas?", r"avocados?", r"food\s+dyes?", r"red\s+dye", r"msg", r"sulfites?",
    r"cacahuates?", r"mani", r"nueces", r"nuez", r"almendras", r"huevos?", r"leche", r"lacteos", r"lactosa",
    r"trigo", r"soja", r"pescados?", r"fresas?", r"tomates?", r"platanos?", r"aguacates?", r"naranjas?",
    r"pina", r"mango", r"food", r"comida", r"alimentos?", r"cilantro", r"garlic", r"onions?",
)  # fmt: skip
_ENVIRONMENT = _words(
    r"pollens?", r"dust(?:\s+mites?)?", r"mites?", r"molds?", r"mildew", r"cats?", r"dogs?", r"pets?",
    r"(?:pet\s+)?dander", r"grass(?:es)?", r"ragweed", r"trees?", r"seasonal", r"hay\s+fever", r"bees?",
    r"bee\s+stings?", r"wasps?", r"hornets?", r"yellow\s+jackets?", r"insect\s+stings?", r"fire\s+ants?",
    r"stings?", r"nickel", r"metals?", r"jewelry", r"adhesives?", r"(?:adhesive\s+|medical\s+|surgical\s+)?tape",
    r"band-?aids?", r"bandages?", r"dressings?", r"perfumes?", r"fragrances?", r"smoke", r"cold", r"sun",
    r"hair\s+dye", r"poison\s+ivy", r"wool", r"feathers?", r"polen", r"polvo", r"acaros", r"moho",
    r"gatos?", r"perros?", r"pasto", r"abejas?", r"avispas?", r"picaduras?(?:\s+de\s+\w+)?", r"cinta\s+adhesiva",
    r"esparadrapo", r"curitas?", r"niquel", r"perfumes?", r"humo", r"plumas", r"frio", r"sol",
)  # fmt: skip

_CATEGORY_RULES: tuple[tuple[AllergyCategory, re.Pattern[str]], ...] = (
    (AllergyCategory.BONE_CEMENT, _BONE_CEMENT),
    (AllergyCategory.GADOLINIUM_CONTRAST, _GADOLINIUM),
    (AllergyCategory.IODINATED_CONTRAST, _IODINATED_CONTRAST),
    (AllergyCategory.IODINE, _IODINE),
    (AllergyCategory.LATEX, _LATEX),
    (AllergyCategory.SHELLFISH, _SHELLFISH),
    (AllergyCategory.MEDICATION, _DRUG_FAMILIES),
    # Foods before the drug list: garlic, cinnamon or turmeric are also supplements.
    (AllergyCategory.FOOD_OTHER, _FOOD),
)
_AFTER_MEDICATION_RULES: tuple[tuple[AllergyCategory, re.Pattern[str]], ...] = (
    (AllergyCategory.ENVIRONMENTAL, _ENVIRONMENT),
)

_SEVERE = re.compile(
    r"anaphyla\w*|anafila\w*|anaphylactic|throat\s+(?:swell\w*|clos\w*|tight\w*)"
    r"|(?:swell\w*|closing|closed|tight\w*)\s+(?:of\s+)?(?:the\s+|my\s+|his\s+|her\s+)?(?:throat|tongue|lips?|face|airway)"
    r"|(?:tongue|lips?|face|facial)\s+(?:swell\w*|edema)|facial\s+swelling|angioedema|airway"
    r"|could\s*n[o']?t\s+breathe|can'?t\s+breathe|cannot\s+breathe|could\s+not\s+breathe|unable\s+to\s+breathe"
    r"|trouble\s+breathing|difficulty\s+breathing|hard\s+to\s+breathe|short(?:ness)?\s+of\s+breath|\bsob\b"
    r"|wheez\w*|bronchospasm|stridor|low\s+blood\s+pressure|hypotension|(?:blood\s+pressure|bp)\s+(?:dropped|drop|fell|crashed|bottomed)"
    r"|passed\s+out|fainted|syncope|lost\s+consciousness|unconscious|intubat\w*|\bicu\b|intensive\s+care"
    r"|epinephrine|epi-?pen|adrenalin\w*|cardiac\s+arrest|heart\s+stopped|code\s+blue|\bshock\b"
    r"|stevens|\bsjs\b|toxic\s+epidermal|choque\s+anafilactico|se\s+(?:me\s+)?cerr\w*\s+la\s+garganta"
    r"|garganta\s+cerrada|cierre\s+de\s+(?:la\s+)?garganta|hinchazon\s+de\s+(?:la\s+)?(?:garganta|lengua|labios|cara)"
    r"|(?:se\s+(?:me\s+)?)?(?:hincho|inflamo)\s+(?:la\s+)?(?:garganta|lengua|cara|labios)"
    r"|no\s+(?:podia|pude|puedo|podía)\s+respirar|falta\s+de\s+aire|dificultad\s+(?:para|al)\s+respirar"
    r"|sibilancias|silbido\s+en\s+el\s+pecho|presion\s+(?:muy\s+)?baja|baja\s+(?:de\s+)?presion"
    r"|me\s+desmaye|desmayo|perdi\s+el\s+conocimiento|intubad\w*|terapia\s+intensiva|cuidados\s+intensivos"
    r"|\buci\b|epinefrina|paro\s+cardiaco"
    # More ways to say "trouble breathing" (an airway reaction), found missing by an outside
    # tester: "me costó respirar" was graded mild while "hard to breathe" was severe.
    r"|struggl\w*\s+to\s+breathe|hard\s+time\s+breathing|catch\s+(?:my|his|her|a|their)\s+breath"
    r"|breathing\s+(?:problems?|trouble|difficult\w*)|difficult\w*\s+breathing|breathless\w*|gasp\w*"
    r"|chest\s+tight\w*|tight\w*\s+(?:in\s+(?:my|the|his|her)\s+)?chest|labou?red\s+breathing"
    r"|cost\w*(?:\s+\w+)?\s+respirar|falta\w*\s+(?:el\s+)?aire|no\s+(?:me\s+|le\s+)?entraba\s+(?:el\s+)?aire"
    r"|ahog\w*|asfixi\w*|dificult\w*(?:\s+\w+)?\s+respirar|dificil\s+respirar|respir\w*\s+con\s+dificultad"
    r"|opresion\s+(?:en\s+el\s+|del\s+)?pecho|pecho\s+apretado|silbido\s+al\s+respirar"
)
_MILD = re.compile(
    r"hives|urticaria|itch\w*|prurit\w*|rash\w*|flush\w*|nause\w*|vomit\w*|sneez\w*|redness|red\s+skin"
    r"|blotch\w*|welts?|upset\s+stomach|stomach\s+upset|gi\s+upset|diarrh\w*|headaches?|runny\s+nose"
    r"|watery\s+eyes|ronchas?|picazon|comezon|sarpullido|erupcion|enrojecimiento|vomito\w*|estornud\w*"
    r"|bochorno|granitos|diarrea|dolor\s+de\s+(?:cabeza|estomago)|malestar"
)
_NEGATION_BEFORE = re.compile(r"\b(?:no|not|without|sin|denies|never|nunca)\b[^,.;]{0,25}$")
_REACTION_HINT = re.compile(
    _SEVERE.pattern
    + "|"
    + _MILD.pattern
    + r"|reaction|reacted|swell\w*|swollen|blister\w*|intoleran\w*|hinchazon|hinch\w*|reaccion\w*"
    + r"|mareo\w*|dizz\w*|confus\w*|hallucinat\w*|\b(?:19|20)\d\d\b"
)
_BRACKETS = re.compile(r"^(?P<allergen>[^()]*?)\s*\((?P<reaction>[^()]*)\)\s*(?P<rest>.*)$")
_SEPARATOR = re.compile(
    r"\s+[-–—]+\s*|\s*[-–—]{2,}\s*|\s*[-–—]+\s+|\s*:\s*|\s*->\s*|\s*=>\s*|\s*→\s*|\s*;\s*"
)
_CAUSED = re.compile(
    r"\s+(?:caused|causes|cause|causing|gave\s+(?:me|him|her)|gives\s+(?:me|him|her)|made\s+(?:me|him|her)"
    r"|makes\s+(?:me|him|her)|resulted\s+in|led\s+to|reaction\s+was|reaction|rxn|me\s+(?:da|dio|daba|causa"
    r"|causo|provoca|provoco|produce|produjo)|le\s+(?:da|dio|causa|causo|provoca|provoco)|causa|causo"
    r"|provoca|provoco|produce|produjo)\b\s*:?\s*"
)
_REACTION_FIRST = re.compile(
    r"^(?P<reaction>.+?)\s+(?:to|from|after|with|when\s+given|a|al|a\s+la|con|por|despues\s+de|tras|with\s+the)"
    r"\s+(?P<allergen>.+)$"
)


def reaction_severity(text: str | None) -> ReactionSeverity:
    """'severe' for anaphylaxis, airway or circulation words; 'mild' for skin or
    stomach words; 'unknown' otherwise (including no reaction given)."""
    if not text:
        return ReactionSeverity.UNKNOWN
    folded = fold(text)
    if any(not _NEGATION_BEFORE.search(folded[: m.start()]) for m in _SEVERE.finditer(folded)):
        return ReactionSeverity.SEVERE
    if any(not _NEGATION_BEFORE.search(folded[: m.start()]) for m in _MILD.finditer(folded)):
        return ReactionSeverity.MILD
    return ReactionSeverity.UNKNOWN


def classify_allergy(line: str, knowledge: DrugKnowledge | None = None) -> AllergyAssessment:
    """Classify one free-text allergy line; `input` is always `line`.

    With the shipped knowledge base the result is cached per line, as for medicine
    lines (`recognize`); `clear_recognition_cache()` empties both."""
    if knowledge is None:
        return _classify_shipped(line)
    return _classify(line, knowledge)


@lru_cache(maxsize=RECOGNITION_CACHE_SIZE)
def _classify_shipped(line: str) -> AllergyAssessment:
    return _classify(line, None)


register_line_cache(_classify_shipped.cache_clear)


def _classify(line: str, knowledge: DrugKnowledge | None) -> AllergyAssessment:
    folded = fold(line)
    if not folded.strip():
        return AllergyAssessment(line, AllergyCategory.UNKNOWN, False)
    lead = _LEAD_IN.match(folded)
    start = lead.end() if lead else 0
    if _NO_KNOWN_ALLERGIES.match(folded) or _NO_KNOWN_ALLERGIES.match(folded[start:]):
        return AllergyAssessment(line, AllergyCategory.NO_KNOWN_ALLERGIES, True)
    allergen, reaction = _split(line, folded, start)
    category = _categorize(fold(allergen), knowledge)
    if category is AllergyCategory.UNKNOWN and reaction is not None:
        # "Penicillin: unknown" or a reversed line: try what the split called the reaction.
        category = _categorize(fold(reaction), knowledge)
    if category is AllergyCategory.UNKNOWN:
        category = _categorize(folded[start:], knowledge)
    return AllergyAssessment(
        input=line,
        category=category,
        recognized=category is not AllergyCategory.UNKNOWN,
        reaction=reaction,
    )


def _split(line: str, folded: str, start: int) -> tuple[str, str | None]:
    """(allergen, reaction) from the original line, using indices found in `folded`."""
    body, text = folded[start:], line[start:]
    bracket = _BRACKETS.match(body)
    if bracket and bracket.group("allergen").strip() and _reads_as_reaction(bracket.group("reaction")):
        reaction = _join(
            text[bracket.start("reaction") : bracket.end("reaction")], text[bracket.start("rest") :]
        )
        return text[: bracket.end("allergen")], reaction
    for pattern in (_SEPARATOR, _CAUSED):
        match = pattern.search(body)
        if match and match.start() > 0 and body[match.end() :].strip():
            return text[: match.start()], _clean(text[match.end() :])
    comma = body.find(",")
    if comma > 0 and _REACTION_HINT.search(body[comma + 1 :]):
        return text[:comma], _clean(text[comma + 1 :])
    reversed_line = _REACTION_FIRST.match(body)
    if reversed_line and _REACTION_HINT.search(reversed_line.group("reaction")):
        return (
            text[reversed_line.start("allergen") :],
            _clean(text[: reversed_line.end("reaction")]),
        )
    return text, None


def _reads_as_reaction(text: str) -> bool:
    """'(rash)' or '(unknown)' is a reaction; '(iodine)' names another allergen."""
    if _REACTION_HINT.search(text):
        return True
    return not any(pattern.search(text) for _, pattern in _CATEGORY_RULES + _AFTER_MEDICATION_RULES)


def _join(first: str, second: str) -> str | None:
    return _clean(" ".join(part for part in (first.strip(), second.strip()) if part))


def _clean(text: str) -> str | None:
    cleaned = text.strip().strip(".,;:-–—()").strip()
    return cleaned or None


def _categorize(text: str, knowledge: DrugKnowledge | None) -> AllergyCategory:
    for category, pattern in _CATEGORY_RULES:
        if pattern.search(text):
            return category
    if text.strip() and recognize(text, knowledge).recognized:
        return AllergyCategory.MEDICATION
    for category, pattern in _AFTER_MEDICATION_RULES:
        if pattern.search(text):
            return category
    return AllergyCategory.UNKNOWN
