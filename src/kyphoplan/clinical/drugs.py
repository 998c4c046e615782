"""The drug knowledge base: ingredients, their classes, brands, combinations and aliases.

The facts live in versioned JSON documents under `data/drugs/` (schema
`kyphoplan.drugs/1`); `drug_schema` checks every entry when the files are read,
so a typo in the data stops the program at start-up, naming the entry, instead of
silently mis-classifying a blood thinner. Class and ingredient names are the
fixed vocabulary the rule engine matches on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from kyphoplan.clinical.model import Dose, Frequency, RecognizedMedication
from kyphoplan.clinical.recognition_text import alias_key

SCHEMA = "kyphoplan.drugs/1"
DATA_PACKAGE = "kyphoplan.clinical.data"
DATA_FOLDER = "drugs"


class KnowledgeError(ValueError):
    """The drug data is invalid. `where` names the file and entry."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class Route(StrEnum):
    ORAL = "oral"
    SUBLINGUAL = "sublingual"
    SUBCUTANEOUS = "subcutaneous"
    INTRAVENOUS = "intravenous"
    INTRAMUSCULAR = "intramuscular"
    INHALED = "inhaled"
    NASAL = "nasal"
    TOPICAL = "topical"
    TRANSDERMAL = "transdermal"
    OPHTHALMIC = "ophthalmic"
    OTIC = "otic"
    RECTAL = "rectal"
    VAGINAL = "vaginal"


class PseudoIngredient(StrEnum):
    """Ingredient names for lines that say what kind of medicine it is but not which."""

    BLOOD_THINNER = "unspecified-blood-thinner"
    INSULIN_PUMP = "insulin pump"
    INSULIN_UNSPECIFIED = "insulin (type not stated)"
    INSULIN_PREMIXED_UNSPECIFIED = "insulin premixed (type not stated)"


ANTITHROMBOTIC_CLASSES = frozenset(
    {
        "aspirin",
        "p2y12-inhibitor",
        "antiplatelet-other",
        "par1-antagonist",
        "vitamin-k-antagonist",
        "unfractionated-heparin",
        "low-molecular-weight-heparin",
        "factor-xa-inhibitor-indirect",
        "factor-xa-inhibitor",
        "direct-thrombin-inhibitor",
        "antithrombotic-unspecified",
    }
)
INSULIN_CLASSES = frozenset(
    {
        "insulin-long-acting",
        "insulin-ultra-long-acting",
        "insulin-intermediate",
        "insulin-premixed",
        "insulin-prandial",
        "insulin-pump",
        "insulin-unspecified",
    }
)
DIABETES_CLASSES = INSULIN_CLASSES | {
    "biguanide",
    "sulfonylurea",
    "meglitinide",
    "dpp4-inhibitor",
    "thiazolidinedione",
    "alpha-glucosidase-inhibitor",
    "sglt2-inhibitor",
    "glp1-receptor-agonist",
}
# Drugs whose mis-recognition changes a plan: fuzzy spelling matches into these
# classes are held to a stricter standard (a false "recognised" is worse than none).
SENSITIVE_CLASSES = ANTITHROMBOTIC_CLASSES | DIABETES_CLASSES | {"nsaid", "glucocorticoid"}

# The frequency labels the data may use as a usual frequency, and what each means.
STANDARD_FREQUENCIES: Mapping[str, Frequency] = MappingProxyType(
    {
        "once daily": Frequency(1.0, label="once daily"),
        "twice daily": Frequency(2.0, label="twice daily"),
        "three times daily": Frequency(3.0, label="three times daily"),
        "four times daily": Frequency(4.0, label="four times daily"),
        "every morning": Frequency(1.0, ("08:00",), label="every morning"),
        "every evening": Frequency(1.0, ("18:00",), label="every evening"),
        "at bedtime": Frequency(1.0, ("21:00",), label="at bedtime"),
        "every other day": Frequency(0.5, label="every other day"),
        "weekly": Frequency(1 / 7, weekly=True, label="weekly"),
        "monthly": Frequency(1 / 30, label="monthly"),
        "every 3 months": Frequency(1 / 90, label="every 3 months"),
        "every 6 months": Frequency(1 / 180, label="every 6 months"),
        "yearly": Frequency(1 / 365, label="yearly"),
        "as needed": Frequency(None, as_needed=True, label="as needed"),
    }
)


@dataclass(frozen=True)
class Ingredient:
    name: str
    drug_class: str
    default_frequency: Frequency | None = None
    prednisolone_factor: float | None = None  # mg prednisolone per mg (glucocorticoids)
    rxcui: str | None = None  # only codes verified in REFERENCE.md §14
    route: str | None = None  # usual route when the line and product say none
    class_by_route: tuple[tuple[str, str], ...] = ()  # e.g. (("inhaled", "glucocorticoid-inhaled"),)
    unit: str = "mg"  # unit of a bare strength number ("baby aspirin 81")
    aliases: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()

    def class_for_route(self, route: str | None) -> str:
        for candidate, drug_class in self.class_by_route:
            if candidate == route:
                return drug_class
        return self.drug_class

    @property
    def is_antithrombotic(self) -> bool:
        return self.drug_class in ANTITHROMBOTIC_CLASSES

    @property
    def is_diabetes_medicine(self) -> bool:
        return self.drug_class in DIABETES_CLASSES


@dataclass(frozen=True)
class Product:
    """What one alias names: a generic, a brand, or a combination product."""

    name: str  # as written in the data: "Plavix", "Janumet XR", "clopidogrel"
    ingredients: tuple[str, ...]
    brand: bool
    route: str | None = None
    default_frequency: Frequency | None = None
    strength: Dose | None = None  # implied by the name itself ("baby aspirin": 81 mg)


class DrugKnowledge:
    """The loaded, validated knowledge base. Immutable after construction."""

    def __init__(
        self,
        version: str,
        ingredients: Mapping[str, Ingredient],
        aliases: Mapping[tuple[str, ...], Product],
        sources: Sequence[str],
    ) -> None:
        self.schema = SCHEMA
        self.version = version
        self.ingredients: Mapping[str, Ingredient] = MappingProxyType(dict(ingredients))
        self.aliases: Mapping[tuple[str, ...], Product] = MappingProxyType(dict(aliases))
        self.sources = tuple(sources)
        self.longest_alias = max((len(key) for key in self.aliases), default=1)
        # Longest alias per first word: the matcher skips words that start no alias.
        lengths: dict[str, int] = {}
        for key in self.aliases:
            lengths[key[0]] = max(lengths.get(key[0], 0), len(key))
        self.alias_lengths: Mapping[str, int] = MappingProxyType(lengths)

    def __repr__(self) -> str:
        return (
            f"DrugKnowledge(version={self.version!r}, ingredients={len(self.ingredients)}, "
            f"aliases={len(self.aliases)})"
        )

    def ingredient(self, name: str) -> Ingredient:
        """The ingredient called `name` (lower-case generic name); KeyError if unknown."""
        try:
            return self.ingredients[name]
        except KeyError:
            raise KeyError(f"no ingredient {name!r} in drug knowledge {self.version}") from None

    def product(self, alias: str) -> Product | None:
        """What a name or alias means, exactly as written (case and accents ignored)."""
        return self.aliases.get(alias_key(alias))

    def is_sensitive(self, product: Product) -> bool:
        return any(self.ingredients[name].drug_class in SENSITIVE_CLASSES for name in product.ingredients)

    def usual_frequency(self, medication: RecognizedMedication) -> Frequency | None:
        """The usual frequency of a recognised medicine whose line states none.

        Recognition reports only what the line says; a planner that needs dosing
        times (holds counted in doses) asks here and should say it assumed it."""
        if medication.frequency is not None and medication.frequency.per_day is not None:
            return medication.frequency
        if medication.brand is not None:
            product = self.product(medication.brand)
            if product is not None and product.default_frequency is not None:
                return product.default_frequency
        for name in medication.ingredients:
            known = self.ingredients.get(name)
            if known is not None and known.default_frequency is not None:
                return known.default_frequency
        return None


def build_drug_knowledge(documents: Iterable[tuple[str, Mapping[str, Any]]]) -> DrugKnowledge:
    """Validate parsed JSON documents (source name, object) and index them."""
    # Imported here: the schema module needs the types defined above.
    from kyphoplan.clinical.drug_schema import parse_documents

    parsed = parse_documents(list(documents))
    index: dict[tuple[str, ...], Product] = {}
    where_defined: dict[tuple[str, ...], str] = {}
    for alias, product, where in parsed.aliases:
        key = alias_key(alias)
        if not key:
            raise KnowledgeError(where, f"alias {alias!r} has no letters or digits")
        known = index.get(key)
        if known is not None and known != product:
            if known.ingredients != product.ingredients:
                problem = f"maps to {list(product.ingredients)}"
            else:
                problem = "is defined twice with different details"
            raise KnowledgeError(
                where,
                f"name {alias!r} {problem}, but {where_defined[key]} maps it to "
                f"{list(known.ingredients)} ({known.name})",
            )
        index[key] = product
        where_defined.setdefault(key, where)
    return DrugKnowledge(parsed.version, parsed.ingredients, index, parsed.sources)


def _read_packaged_documents() -> list[tuple[str, Mapping[str, Any]]]:
    folder = resources.files(DATA_PACKAGE).joinpath(DATA_FOLDER)
    documents: list[tuple[str, Mapping[str, Any]]] = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".json"):
            continue
        source = f"{DATA_FOLDER}/{entry.name}"
        try:
            content = json.loads(entry.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise KnowledgeError(source, f"not valid JSON: {error}") from error
        documents.append((source, content))
    if not documents:
        raise KnowledgeError(DATA_FOLDER, "no drug data files found")
    return documents


@cache
def load_drug_knowledge() -> DrugKnowledge:
    """The packaged knowledge base, validated once per process."""
    return build_drug_knowledge(_read_packaged_documents())
