"""The drug knowledge base: contents the rule engine relies on, and load-time validation."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

import pytest

from kyphoplan.clinical.drug_schema import parse_documents
from kyphoplan.clinical.drugs import (
    SCHEMA,
    STANDARD_FREQUENCIES,
    DrugKnowledge,
    KnowledgeError,
    PseudoIngredient,
    build_drug_knowledge,
    load_drug_knowledge,
)
from kyphoplan.clinical.model import Frequency, RecognizedMedication


@pytest.fixture(scope="module")
def knowledge() -> DrugKnowledge:
    return load_drug_knowledge()


def _packaged() -> list[tuple[str, dict[str, Any]]]:
    folder = resources.files("kyphoplan.clinical.data").joinpath("drugs")
    return [
        (entry.name, json.loads(entry.read_text("utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    ]


# REFERENCE.md §4-11 agents and the class vocabulary the rule engine matches.
EXPECTED_CLASSES = {
    "aspirin": "aspirin",
    "clopidogrel": "p2y12-inhibitor",
    "prasugrel": "p2y12-inhibitor",
    "ticagrelor": "p2y12-inhibitor",
    "ticlopidine": "p2y12-inhibitor",
    "dipyridamole": "antiplatelet-other",
    "cilostazol": "antiplatelet-other",
    "vorapaxar": "par1-antagonist",
    "warfarin": "vitamin-k-antagonist",
    "acenocoumarol": "vitamin-k-antagonist",
    "phenprocoumon": "vitamin-k-antagonist",
    "heparin": "unfractionated-heparin",
    "enoxaparin": "low-molecular-weight-heparin",
    "dalteparin": "low-molecular-weight-heparin",
    "tinzaparin": "low-molecular-weight-heparin",
    "fondaparinux": "factor-xa-inhibitor-indirect",
    "apixaban": "factor-xa-inhibitor",
    "rivaroxaban": "factor-xa-inhibitor",
    "edoxaban": "factor-xa-inhibitor",
    "betrixaban": "factor-xa-inhibitor",
    "dabigatran": "direct-thrombin-inhibitor",
    "argatroban": "direct-thrombin-inhibitor",
    "bivalirudin": "direct-thrombin-inhibitor",
    "desirudin": "direct-thrombin-inhibitor",
    "ibuprofen": "nsaid",
    "naproxen": "nsaid",
    "diclofenac": "nsaid",
    "ketorolac": "nsaid",
    "etodolac": "nsaid",
    "indomethacin": "nsaid",
    "meloxicam": "nsaid",
    "nabumetone": "nsaid",
    "oxaprozin": "nsaid",
    "piroxicam": "nsaid",
    "sulindac": "nsaid",
    "ketoprofen": "nsaid",
    "flurbiprofen": "nsaid",
    "diflunisal": "nsaid",
    "salsalate": "nsaid",
    "celecoxib": "cox2-inhibitor",
    "unspecified-blood-thinner": "antithrombotic-unspecified",
    "metformin": "biguanide",
    "glipizide": "sulfonylurea",
    "glyburide": "sulfonylurea",
    "glimepiride": "sulfonylurea",
    "gliclazide": "sulfonylurea",
    "repaglinide": "meglitinide",
    "nateglinide": "meglitinide",
    "sitagliptin": "dpp4-inhibitor",
    "linagliptin": "dpp4-inhibitor",
    "saxagliptin": "dpp4-inhibitor",
    "alogliptin": "dpp4-inhibitor",
    "pioglitazone": "thiazolidinedione",
    "rosiglitazone": "thiazolidinedione",
    "acarbose": "alpha-glucosidase-inhibitor",
    "miglitol": "alpha-glucosidase-inhibitor",
    "canagliflozin": "sglt2-inhibitor",
    "dapagliflozin": "sglt2-inhibitor",
    "empagliflozin": "sglt2-inhibitor",
    "ertugliflozin": "sglt2-inhibitor",
    "bexagliflozin": "sglt2-inhibitor",
    "sotagliflozin": "sglt2-inhibitor",
    "semaglutide": "glp1-receptor-agonist",
    "dulaglutide": "glp1-receptor-agonist",
    "liraglutide": "glp1-receptor-agonist",
    "exenatide": "glp1-receptor-agonist",
    "lixisenatide": "glp1-receptor-agonist",
    "tirzepatide": "glp1-receptor-agonist",
    "insulin glargine": "insulin-long-acting",
    "insulin detemir": "insulin-long-acting",
    "insulin degludec": "insulin-ultra-long-acting",
    "insulin isophane": "insulin-intermediate",
    "insulin isophane/regular 70/30": "insulin-premixed",
    "insulin lispro protamine/lispro 75/25": "insulin-premixed",
    "insulin aspart protamine/aspart 70/30": "insulin-premixed",
    "insulin lispro": "insulin-prandial",
    "insulin aspart": "insulin-prandial",
    "insulin glulisine": "insulin-prandial",
    "insulin regular": "insulin-prandial",
    "insulin pump": "insulin-pump",
    "insulin (type not stated)": "insulin-unspecified",
    "prednisone": "glucocorticoid",
    "prednisolone": "glucocorticoid",
    "methylprednisolone": "glucocorticoid",
    "dexamethasone": "glucocorticoid",
    "hydrocortisone": "glucocorticoid",
    "cortisone": "glucocorticoid",
    "budesonide": "glucocorticoid",
}


@pytest.mark.parametrize(("name", "drug_class"), sorted(EXPECTED_CLASSES.items()))
def test_it_classifies_every_reference_agent(knowledge: DrugKnowledge, name: str, drug_class: str) -> None:
    assert knowledge.ingredient(name).drug_class == drug_class


def test_it_carries_the_schema_and_version(knowledge: DrugKnowledge) -> None:
    assert knowledge.schema == SCHEMA == "kyphoplan.drugs/1"
    assert knowledge.version == "2026.11.25"
    assert all(doc["version"] == knowledge.version for _, doc in _packaged())


def test_it_covers_at_least_the_commonly_prescribed_medicines(knowledge: DrugKnowledge) -> None:
    assert len(knowledge.ingredients) >= 400
    common = [
        "atorvastatin", "simvastatin", "rosuvastatin", "lisinopril", "losartan", "amlodipine",
        "metoprolol", "hydrochlorothiazide", "furosemide", "levothyroxine", "omeprazole",
        "pantoprazole", "sertraline", "gabapentin", "acetaminophen", "tramadol", "oxycodone",
        "alendronate", "denosumab", "teriparatide", "calcium carbonate", "cholecalciferol",
        "fish oil", "multivitamin", "tamsulosin", "montelukast", "albuterol", "trazodone",
    ]  # fmt: skip
    missing = [name for name in common if name not in knowledge.ingredients]
    assert missing == []


def test_it_records_only_the_verified_rxcuis(knowledge: DrugKnowledge) -> None:
    codes = {i.name: i.rxcui for i in knowledge.ingredients.values() if i.rxcui is not None}
    assert codes == {
        "warfarin": "11289",
        "aspirin": "1191",
        "clopidogrel": "32968",
        "prasugrel": "613391",
        "ticagrelor": "1116632",
    }


def test_it_gives_prednisolone_factors_for_systemic_glucocorticoids(
    knowledge: DrugKnowledge,
) -> None:
    factors = {
        name: knowledge.ingredient(name).prednisolone_factor
        for name in ("prednisone", "prednisolone", "methylprednisolone", "dexamethasone",
                     "hydrocortisone", "cortisone")
    }  # fmt: skip
    assert factors == {
        "prednisone": 1.0,
        "prednisolone": 1.0,
        "methylprednisolone": 1.25,
        "dexamethasone": 6.67,
        "hydrocortisone": 0.25,
        "cortisone": 0.2,
    }
    assert knowledge.ingredient("budesonide").prednisolone_factor is None  # not verified


def test_it_lets_the_route_decide_the_steroid_class(knowledge: DrugKnowledge) -> None:
    budesonide = knowledge.ingredient("budesonide")
    assert budesonide.class_for_route("oral") == "glucocorticoid"
    assert budesonide.class_for_route("inhaled") == "glucocorticoid-inhaled"
    hydrocortisone = knowledge.ingredient("hydrocortisone")
    assert hydrocortisone.class_for_route("topical") == "glucocorticoid-topical"
    assert knowledge.ingredient("fluticasone").drug_class == "glucocorticoid-inhaled"
    assert knowledge.ingredient("triamcinolone").drug_class == "glucocorticoid-topical"


@pytest.mark.parametrize(
    ("brand", "ingredients"),
    [
        ("Coumadin", ("warfarin",)),
        ("Jantoven", ("warfarin",)),
        ("Plavix", ("clopidogrel",)),
        ("Effient", ("prasugrel",)),
        ("Brilinta", ("ticagrelor",)),
        ("Aggrenox", ("aspirin", "dipyridamole")),
        ("Eliquis", ("apixaban",)),
        ("Xarelto", ("rivaroxaban",)),
        ("Pradaxa", ("dabigatran",)),
        ("Savaysa", ("edoxaban",)),
        ("Lovenox", ("enoxaparin",)),
        ("Fragmin", ("dalteparin",)),
        ("Arixtra", ("fondaparinux",)),
        ("Glucophage", ("metformin",)),
        ("Pletal", ("cilostazol",)),
        ("Janumet", ("sitagliptin", "metformin")),
        ("Janumet XR", ("sitagliptin", "metformin")),
        ("Synjardy", ("empagliflozin", "metformin")),
        ("Xigduo XR", ("dapagliflozin", "metformin")),
        ("Glyxambi", ("empagliflozin", "linagliptin")),
        ("Soliqua", ("insulin glargine", "lixisenatide")),
        ("Xultophy", ("insulin degludec", "liraglutide")),
        ("Excedrin", ("acetaminophen", "aspirin", "caffeine")),
        ("Advair", ("fluticasone", "salmeterol")),
        ("Symbicort", ("budesonide", "formoterol")),
        ("Hyzaar", ("losartan", "hydrochlorothiazide")),
        ("Percocet", ("oxycodone", "acetaminophen")),
        ("Tylenol #3", ("acetaminophen", "codeine")),
        ("aspirina", ("aspirin",)),
        ("warfarina", ("warfarin",)),
        ("metformina", ("metformin",)),
        ("insulina", (PseudoIngredient.INSULIN_UNSPECIFIED,)),
        ("baby aspirin", ("aspirin",)),
        ("aspirina para niños", ("aspirin",)),
    ],
)
def test_it_maps_brands_and_spanish_names(
    knowledge: DrugKnowledge, brand: str, ingredients: tuple[str, ...]
) -> None:
    product = knowledge.product(brand)
    assert product is not None
    assert product.ingredients == ingredients


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Eliquis", "twice daily"),
        ("Pradaxa", "twice daily"),
        ("Xarelto", "once daily"),
        ("Savaysa", "once daily"),
        ("Bevyxxa", "once daily"),
        ("Plavix", "once daily"),
        ("Effient", "once daily"),
        ("Brilinta", "twice daily"),
        ("Ozempic", "weekly"),
        ("Trulicity", "weekly"),
        ("Mounjaro", "weekly"),
        ("Wegovy", "weekly"),
        ("Zepbound", "weekly"),
        ("Bydureon", "weekly"),
        ("Victoza", "once daily"),
        ("Saxenda", "once daily"),
        ("Rybelsus", "once daily"),
        ("Byetta", "twice daily"),
    ],
)
def test_it_knows_the_usual_frequency(knowledge: DrugKnowledge, name: str, label: str) -> None:
    product = knowledge.product(name)
    assert product is not None
    assert product.default_frequency == STANDARD_FREQUENCIES[label]


def test_it_offers_the_usual_frequency_when_a_line_states_none(knowledge: DrugKnowledge) -> None:
    line = RecognizedMedication("Ozempic 1 mg", True, ("semaglutide",), brand="Ozempic")
    assert knowledge.usual_frequency(line) == Frequency(1 / 7, weekly=True, label="weekly")
    stated = Frequency(2.0, label="twice daily")
    line = RecognizedMedication("x", True, ("apixaban",), frequency=stated)
    assert knowledge.usual_frequency(line) is stated


def test_it_raises_key_error_for_an_unknown_ingredient(knowledge: DrugKnowledge) -> None:
    with pytest.raises(KeyError, match="no ingredient 'unobtainium'"):
        knowledge.ingredient("unobtainium")


def test_it_is_loaded_once(knowledge: DrugKnowledge) -> None:
    assert load_drug_knowledge() is knowledge


# --- validation of bad data


def _minimal(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "version": "2026.11.25",
        "ingredients": [
            {"name": "apixaban", "class": "factor-xa-inhibitor", "brands": ["Eliquis"]},
            {"name": "metformin", "class": "biguanide"},
        ],
    }
    document.update(changes)
    return document


def _build(*documents: Mapping[str, Any]) -> DrugKnowledge:
    return build_drug_knowledge([(f"test{i}.json", d) for i, d in enumerate(documents)])


def test_it_builds_from_minimal_valid_data() -> None:
    built = _build(_minimal())
    assert built.ingredient("apixaban").brands == ("Eliquis",)


def test_it_rejects_a_name_that_maps_to_two_ingredients() -> None:
    document = _minimal()
    document["ingredients"][1]["aliases"] = ["eliquis"]
    with pytest.raises(KnowledgeError, match=r"ingredients\[1\] 'metformin'.*'eliquis'"):
        _build(document)


def test_it_rejects_duplicates_across_files() -> None:
    other = _minimal(ingredients=[{"name": "rivaroxaban", "class": "factor-xa-inhibitor",
                                   "aliases": ["Eliquis"]}])  # fmt: skip
    with pytest.raises(KnowledgeError, match=r"test1\.json"):
        _build(_minimal(), other)


def test_it_rejects_an_ingredient_defined_twice() -> None:
    other = _minimal(ingredients=[{"name": "metformin", "class": "biguanide"}])
    with pytest.raises(KnowledgeError, match="defined twice"):
        _build(_minimal(), other)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schema": "kyphoplan.drugs/2"}, "schema must be"),
        ({"version": "25 Nov 2026"}, "version"),
        ({"colour": "blue"}, "unknown field"),
    ],
)
def test_it_rejects_a_bad_document(change: dict[str, Any], message: str) -> None:
    with pytest.raises(KnowledgeError, match=message):
        _build(_minimal(**change))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "Apixaban", "class": "factor-xa-inhibitor"}, "lower-case generic name"),
        ({"name": "apixaban", "class": "Factor Xa"}, "lower-case words"),
        ({"name": "apixaban"}, "missing field"),
        ({"name": "apixaban", "class": "x", "dose": 5}, "unknown field"),
        ({"name": "apixaban", "class": "x", "default_frequency": "bd"}, "default_frequency"),
        ({"name": "apixaban", "class": "x", "route": "by mouth"}, "route"),
        ({"name": "apixaban", "class": "x", "prednisolone_factor": 1}, "only for glucocorticoids"),
        ({"name": "prednisone", "class": "glucocorticoid", "prednisolone_factor": -1}, "positive"),
        ({"name": "apixaban", "class": "x", "rxcui": 1364430}, "rxcui"),
        ({"name": "apixaban", "class": "x", "unit": "drops"}, "unit"),
        ({"name": "apixaban", "class": "x", "aliases": "eliquis"}, "aliases must be a list"),
        ({"name": "apixaban", "class": "x", "brands": [7]}, "brand must be"),
    ],
)
def test_it_rejects_a_bad_ingredient_naming_it(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(KnowledgeError, match=message) as error:
        _build(_minimal(ingredients=[entry]))
    assert "ingredients[0]" in str(error.value)


def test_it_rejects_a_product_with_an_unknown_ingredient() -> None:
    document = _minimal(products=[{"name": "Janumet", "ingredients": ["sitagliptin", "metformin"]}])
    with pytest.raises(KnowledgeError, match=r"products\[0\] 'Janumet'.*'sitagliptin'"):
        _build(document)


def test_it_rejects_every_mutation_of_the_packaged_data_that_breaks_a_reference() -> None:
    documents = copy.deepcopy(_packaged())
    parse_documents(documents)  # the shipped data is valid
    name, document = documents[0]
    document["products"][0]["ingredients"].append("no-such-ingredient")
    with pytest.raises(KnowledgeError, match=name):
        parse_documents(documents)
