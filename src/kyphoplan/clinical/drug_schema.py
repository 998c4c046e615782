"""Hand-written schema check for the drug data (`kyphoplan.drugs/1`).

Every entry is checked for unknown keys, types, the class vocabulary format,
frequency labels, routes and references between entries. Errors name the file
and the entry ("drugs/antithrombotic.json: ingredients[3] 'apixaban': ..."), so a
bad edit is found at load time by whoever made it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kyphoplan.clinical.drugs import (
    SCHEMA,
    STANDARD_FREQUENCIES,
    Ingredient,
    KnowledgeError,
    Product,
    Route,
)
from kyphoplan.clinical.model import Dose, Frequency

_VERSION = re.compile(r"^\d{4}\.\d{2}\.\d{2}(?:-\d+)?$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9 ()/.,'+-]*[a-z0-9)]$|^[a-z0-9]$")
_CLASS = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RXCUI = re.compile(r"^\d{1,9}$")
_UNITS = frozenset({"mg", "mcg", "g", "units", "ml", "meq", "%", "l"})
_ROUTES = frozenset(route.value for route in Route)

_DOCUMENT_KEYS = frozenset({"schema", "version", "description", "default_route", "ingredients", "products"})
_INGREDIENT_KEYS = frozenset(
    {
        "name",
        "class",
        "aliases",
        "brands",
        "route",
        "class_by_route",
        "default_frequency",
        "unit",
        "prednisolone_factor",
        "rxcui",
        "note",
    }
)
_BRAND_KEYS = frozenset({"name", "aliases", "route", "default_frequency", "strength", "note"})
_PRODUCT_KEYS = _BRAND_KEYS | {"ingredients", "brand"}


@dataclass(frozen=True)
class ParsedDocuments:
    version: str
    ingredients: dict[str, Ingredient]
    aliases: list[tuple[str, Product, str]]  # (alias as written, product, where)
    sources: tuple[str, ...]


def parse_documents(documents: Sequence[tuple[str, Mapping[str, Any]]]) -> ParsedDocuments:
    if not documents:
        raise KnowledgeError("drug data", "no documents")
    version: str | None = None
    ingredients: dict[str, Ingredient] = {}
    aliases: list[tuple[str, Product, str]] = []
    pending_products: list[tuple[str, Mapping[str, Any]]] = []
    for source, document in documents:
        if not isinstance(document, Mapping):
            raise KnowledgeError(source, "the document must be a JSON object")
        _check_keys(source, document, _DOCUMENT_KEYS, required={"schema", "version"})
        if document["schema"] != SCHEMA:
            raise KnowledgeError(source, f"schema must be {SCHEMA!r}, not {document['schema']!r}")
        doc_version = document["version"]
        if not isinstance(doc_version, str) or not _VERSION.match(doc_version):
            raise KnowledgeError(source, f"version {doc_version!r} is not YYYY.MM.DD[-N]")
        if version is not None and doc_version != version:
            raise KnowledgeError(source, f"version {doc_version} differs from {version}")
        version = doc_version
        default_route = _optional_route(source, document, "default_route")
        for position, raw in enumerate(_list(source, document, "ingredients")):
            where = _where(source, "ingredients", position, raw)
            ingredient, ingredient_aliases = _parse_ingredient(where, raw, default_route)
            if ingredient.name in ingredients:
                raise KnowledgeError(where, f"ingredient {ingredient.name!r} is defined twice")
            ingredients[ingredient.name] = ingredient
            aliases.extend(ingredient_aliases)
        for position, raw in enumerate(_list(source, document, "products")):
            pending_products.append((_where(source, "products", position, raw), raw))
    # Products may combine ingredients from any file, so they are resolved last.
    for where, raw in pending_products:
        aliases.extend(_parse_product(where, raw, ingredients))
    assert version is not None
    return ParsedDocuments(version, ingredients, aliases, tuple(s for s, _ in documents))


def _parse_ingredient(
    where: str, raw: Any, default_route: str | None
) -> tuple[Ingredient, list[tuple[str, Product, str]]]:
    if not isinstance(raw, Mapping):
        raise KnowledgeError(where, "an ingredient must be an object")
    _check_keys(where, raw, _INGREDIENT_KEYS, required={"name", "class"})
    name = _name(where, raw["name"])
    drug_class = _drug_class(where, raw["class"])
    route = _optional_route(where, raw, "route") if "route" in raw else default_route
    class_by_route: list[tuple[str, str]] = []
    by_route = raw.get("class_by_route", {})
    if not isinstance(by_route, Mapping):
        raise KnowledgeError(where, "class_by_route must be an object")
    for route_name, route_class in by_route.items():
        if route_name not in _ROUTES:
            raise KnowledgeError(where, f"class_by_route: unknown route {route_name!r}")
        class_by_route.append((route_name, _drug_class(where, route_class)))
    factor = raw.get("prednisolone_factor")
    if factor is not None:
        if isinstance(factor, bool) or not isinstance(factor, int | float) or factor <= 0:
            raise KnowledgeError(where, "prednisolone_factor must be a positive number")
        classes = {drug_class, *(c for _, c in class_by_route)}
        if "glucocorticoid" not in classes:
            raise KnowledgeError(where, "prednisolone_factor is only for glucocorticoids")
        factor = float(factor)
    rxcui = raw.get("rxcui")
    if rxcui is not None and (not isinstance(rxcui, str) or not _RXCUI.match(rxcui)):
        raise KnowledgeError(where, f"rxcui {rxcui!r} must be a string of digits")
    unit = raw.get("unit", "mg")
    if unit not in _UNITS:
        raise KnowledgeError(where, f"unit {unit!r} is not one of {sorted(_UNITS)}")
    frequency = _optional_frequency(where, raw)
    generic_aliases = _strings(where, raw, "aliases")
    brands = _list(where, raw, "brands")
    brand_names: list[str] = []
    ingredient = Ingredient(
        name=name,
        drug_class=drug_class,
        default_frequency=frequency,
        prednisolone_factor=factor,
        rxcui=rxcui,
        route=route,
        class_by_route=tuple(class_by_route),
        unit=unit,
        aliases=tuple(generic_aliases),
    )
    generic = Product(name, (name,), brand=False, route=route, default_frequency=frequency)
    aliases = [(alias, generic, where) for alias in [name, *generic_aliases]]
    for position, brand in enumerate(brands):
        brand_where = f"{where} brands[{position}]"
        if isinstance(brand, str):
            brand = {"name": brand}
        if not isinstance(brand, Mapping):
            raise KnowledgeError(brand_where, "a brand must be a string or an object")
        product, names = _product_from(brand_where, brand, (name,), ingredient_route=route)
        if product.default_frequency is None and frequency is not None:
            product = _with_frequency(product, frequency)
        brand_names.append(product.name)
        aliases.extend((alias, product, brand_where) for alias in names)
    ingredient = replace(ingredient, brands=tuple(brand_names))
    return ingredient, aliases


def _parse_product(
    where: str, raw: Any, ingredients: Mapping[str, Ingredient]
) -> list[tuple[str, Product, str]]:
    if not isinstance(raw, Mapping):
        raise KnowledgeError(where, "a product must be an object")
    names = raw.get("ingredients")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise KnowledgeError(where, "ingredients must be a non-empty list of names")
    if len(set(names)) != len(names):
        raise KnowledgeError(where, "an ingredient is listed twice")
    for ingredient_name in names:
        if ingredient_name not in ingredients:
            raise KnowledgeError(where, f"unknown ingredient {ingredient_name!r}")
    routes = {ingredients[n].route for n in names}
    shared_route = routes.pop() if len(routes) == 1 else None
    product, aliases = _product_from(where, raw, tuple(names), ingredient_route=shared_route)
    if product.default_frequency is None and len(names) == 1:
        usual = ingredients[names[0]].default_frequency
        if usual is not None:
            product = _with_frequency(product, usual)
    return [(alias, product, where) for alias in aliases]


def _product_from(
    where: str, raw: Mapping[str, Any], ingredients: tuple[str, ...], ingredient_route: str | None
) -> tuple[Product, list[str]]:
    allowed = _PRODUCT_KEYS if "ingredients" in raw else _BRAND_KEYS
    _check_keys(where, raw, allowed, required={"name"})
    name = raw["name"]
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise KnowledgeError(where, f"name {name!r} must be a non-empty trimmed string")
    is_brand = raw.get("brand", True)
    if not isinstance(is_brand, bool):
        raise KnowledgeError(where, "brand must be true or false")
    route = _optional_route(where, raw, "route") if "route" in raw else ingredient_route
    strength = _optional_strength(where, raw, len(ingredients))
    product = Product(
        name=name,
        ingredients=ingredients,
        brand=is_brand,
        route=route,
        default_frequency=_optional_frequency(where, raw),
        strength=strength,
    )
    return product, [name, *_strings(where, raw, "aliases")]


def _with_frequency(product: Product, frequency: Frequency) -> Product:
    return Product(
        product.name, product.ingredients, product.brand, product.route, frequency, product.strength
    )


def _optional_strength(where: str, raw: Mapping[str, Any], count: int) -> Dose | None:
    strength = raw.get("strength")
    if strength is None:
        return None
    if not isinstance(strength, Mapping) or set(strength) != {"amount", "unit"}:
        raise KnowledgeError(where, "strength must be {'amount': number, 'unit': unit}")
    amount, unit = strength["amount"], strength["unit"]
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
        raise KnowledgeError(where, "strength amount must be a positive number")
    if unit not in _UNITS:
        raise KnowledgeError(where, f"strength unit {unit!r} is not one of {sorted(_UNITS)}")
    if count != 1:
        raise KnowledgeError(where, "a strength is only for single-ingredient products")
    return Dose(float(amount), unit)


def _optional_frequency(where: str, raw: Mapping[str, Any]) -> Frequency | None:
    label = raw.get("default_frequency")
    if label is None:
        return None
    if label not in STANDARD_FREQUENCIES:
        raise KnowledgeError(
            where, f"default_frequency {label!r} is not one of {sorted(STANDARD_FREQUENCIES)}"
        )
    return STANDARD_FREQUENCIES[label]


def _optional_route(where: str, raw: Mapping[str, Any], key: str) -> str | None:
    route = raw.get(key)
    if route is not None and route not in _ROUTES:
        raise KnowledgeError(where, f"{key} {route!r} is not one of {sorted(_ROUTES)}")
    return route if isinstance(route, str) else None


def _name(where: str, value: Any) -> str:
    if not isinstance(value, str) or not _NAME.match(value) or "  " in value:
        raise KnowledgeError(
            where, f"name {value!r} must be a lower-case generic name (letters, digits, spaces)"
        )
    return value


def _drug_class(where: str, value: Any) -> str:
    if not isinstance(value, str) or not _CLASS.match(value):
        raise KnowledgeError(where, f"class {value!r} must be lower-case words joined by '-'")
    return value


def _strings(where: str, raw: Mapping[str, Any], key: str) -> list[str]:
    values = raw.get(key, [])
    if not isinstance(values, list):
        raise KnowledgeError(where, f"{key} must be a list")
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise KnowledgeError(where, f"{key}: {value!r} must be a non-empty string")
    return list(values)


def _list(where: str, raw: Mapping[str, Any], key: str) -> list[Any]:
    values = raw.get(key, [])
    if not isinstance(values, list):
        raise KnowledgeError(where, f"{key} must be a list")
    return values


def _check_keys(where: str, raw: Mapping[str, Any], allowed: frozenset[str], required: set[str]) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise KnowledgeError(where, f"unknown field(s) {unknown}; allowed: {sorted(allowed)}")
    missing = sorted(required - set(raw))
    if missing:
        raise KnowledgeError(where, f"missing field(s) {missing}")


def _where(source: str, section: str, position: int, raw: Any) -> str:
    label = raw.get("name") if isinstance(raw, Mapping) else None
    return f"{source}: {section}[{position}]" + (f" {label!r}" if isinstance(label, str) else "")
