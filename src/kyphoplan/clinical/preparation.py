"""Preparation rules other than blood thinners (`data/preparation/*.json`).

Fasting, smoking, escort, labs, diabetes medicines, contrast allergy, cement,
steroids. Each rule carries its stable id, the source id, the guideline's own
words, and its numbers as `params`; the code that applies a rule reads the
numbers from here, never from a literal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from kyphoplan.clinical.rulesets import KnowledgeError

SCHEMA = "kyphoplan.preparation/1"
_FIELDS = {"id", "source", "guideline", "params", "ingredients", "classes", "policy", "status"}


@dataclass(frozen=True)
class PreparationRule:
    id: str
    source: str
    guideline: str
    params: Mapping[str, Any] = field(default_factory=dict)
    ingredients: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    policy: str = ""  # "fasting=midnight": the practice setting that selects this rule
    status: str = "verified"  # "verified" or "unverified" (unverified rules only fail closed)

    def number(self, name: str) -> float:
        value = self.params.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise KnowledgeError(f"rule {self.id}: param {name!r} must be a number")
        return float(value)

    def span(self, name: str) -> tuple[float, float]:
        value = self.params.get(name)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise KnowledgeError(f"rule {self.id}: param {name!r} must be [low, high]")
        return float(value[0]), float(value[1])

    def applies_to(self, ingredient: str, drug_class: str) -> bool:
        return ingredient in self.ingredients or drug_class in self.classes


@dataclass(frozen=True)
class PreparationRules:
    version: str
    rules: Mapping[str, PreparationRule]
    _named: dict[tuple[str, ...], frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def named(self, *rule_ids: str) -> frozenset[str]:
        """Every ingredient and class the rules `rule_ids` name, built once per set of
        ids: a line naming none of them meets none of those rules."""
        found = self._named.get(rule_ids)
        if found is None:
            found = frozenset(
                name for rule_id in rule_ids for name in (*self[rule_id].ingredients, *self[rule_id].classes)
            )
            self._named[rule_ids] = found
        return found

    def __getitem__(self, rule_id: str) -> PreparationRule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise KnowledgeError(f"no preparation rule {rule_id!r}") from None


def _parse_rule(raw: Any, where: str) -> PreparationRule:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise KnowledgeError(f"{where}: a rule must be an object with an id")
    where = f"{where} rule {raw['id']}"
    unknown = set(raw) - _FIELDS
    if unknown:
        raise KnowledgeError(f"{where}: unknown fields {sorted(unknown)}")
    for name in ("source", "guideline"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise KnowledgeError(f"{where}: {name!r} is required text")
    if raw.get("status", "verified") not in ("verified", "unverified"):
        raise KnowledgeError(f"{where}: status must be verified or unverified")
    return PreparationRule(
        id=raw["id"],
        source=raw["source"],
        guideline=raw["guideline"],
        params=dict(raw.get("params", {})),
        ingredients=tuple(raw.get("ingredients", ())),
        classes=tuple(raw.get("classes", ())),
        policy=str(raw.get("policy", "")),
        status=str(raw.get("status", "verified")),
    )


def parse_preparation(documents: Mapping[str, Any]) -> PreparationRules:
    rules: dict[str, PreparationRule] = {}
    versions: list[str] = []
    for name, data in sorted(documents.items()):
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise KnowledgeError(f"{name}: not a {SCHEMA} document")
        if not isinstance(data.get("version"), str) or not isinstance(data.get("rules"), list):
            raise KnowledgeError(f"{name}: needs a version and a list of rules")
        versions.append(f"{name.removesuffix('.json')}@{data['version']}")
        for raw in data["rules"]:
            rule = _parse_rule(raw, name)
            if rule.id in rules:
                raise KnowledgeError(f"{name}: duplicate rule id {rule.id}")
            rules[rule.id] = rule
    return PreparationRules(version="+".join(versions), rules=rules)


@cache
def load_preparation_rules() -> PreparationRules:
    folder = resources.files("kyphoplan.clinical.data.preparation")
    documents = {
        entry.name: json.loads(entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }
    return parse_preparation(documents)
