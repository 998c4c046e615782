"""The contract's plan → CDS Hooks 2.0 cards.

One overview card (what to hold and when, with a link to the full plan), then one
card per flag, most severe first. Summaries stay under 140 characters.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

SUMMARY_LIMIT = 140
INDICATOR = {"high": "critical", "medium": "warning", "low": "info"}
_ORDER = {"critical": 0, "warning": 1, "info": 2}
FLAG_SYSTEM = "https://kyphoplan.org/fhir/CodeSystem/plan-flag"
SOURCE_LABELS = {
    "SIR2019": "SIR 2019 periprocedural consensus",
    "ASRA2018": "ASRA 2018 interventional pain guideline",
}


def summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) < SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 2].rstrip() + "…"


def _source(source_id: str | None, flag_code: str | None = None) -> dict[str, Any]:
    label = SOURCE_LABELS.get(source_id or "", source_id or "kyphoplan practice rules")
    body: dict[str, Any] = {"label": f"kyphoplan: {label}"}
    if flag_code:
        body["topic"] = {"system": FLAG_SYSTEM, "code": flag_code}
    return body


def _when(due: str) -> str:
    return datetime.fromisoformat(due).strftime("%a %d %b %H:%M")


def _holds(plan: Mapping[str, Any]) -> list[str]:
    drugs = []
    for action in plan["actions"]:
        if action["code"] == "stop-medication" and action.get("drug") and action["drug"] not in drugs:
            drugs.append(action["drug"])
    return drugs


OVERVIEW = "overview"  # suggest(OVERVIEW): the overview card's suggestions
MEDICATION_KEYS = ("medicationRequests", "medicationStatements")
_CRITICAL_DATA = (*MEDICATION_KEYS, "allergies")


# Flags that leave a medicine undecided (unknown, unnamed blood thinner, no verified rule):
# while one stands, "no blood thinner to hold" would be a guess.
_MEDICINE_REVIEW = {"unrecognized-medication", "prescriber-consult", "no-verified-value", "dose-or-frequency-unclear"}


def _head(plan: Mapping[str, Any], holds: list[str], medicines_incomplete: bool) -> str:
    if medicines_incomplete:
        # Never "no blood thinner" from a medicine list the EHR could not give in full.
        held = f"hold {', '.join(holds)}; " if holds else ""
        return f"Kyphoplasty prep: {held}medicine list incomplete, check blood thinners by hand"
    if holds:
        return f"Kyphoplasty prep: hold {', '.join(holds)}"
    if any(f["code"] in _MEDICINE_REVIEW and f.get("severity") != "low" for f in plan["flags"]):
        return "Kyphoplasty prep: no hold planned yet, medicines need a clinician's review"
    return "Kyphoplasty prep: no blood thinner to hold"


def overview_card(plan: Mapping[str, Any], notes: list[str], preview_url: str,
                  incomplete: Mapping[str, str] | None = None) -> dict[str, Any]:
    holds = _holds(plan)
    head = _head(plan, holds, any(key in (incomplete or {}) for key in MEDICATION_KEYS))
    lines = [f"- **{_when(a['due'])}** {a['text']}" if a.get("due") else f"- {a['text']}"
             for a in plan["actions"] if a.get("text")]
    detail = "\n".join(
        [*(f"> {note}" for note in notes), "", plan["decision_support"], "", *lines]
    ).strip()
    return {
        "uuid": str(uuid.uuid4()),
        "summary": summary(f"{head} ({len(plan['actions'])} steps, review before signing)"),
        "detail": detail,
        "indicator": "warning" if notes or holds or incomplete else "info",
        "source": _source(plan["actions"][0].get("source") if holds else None),
        "links": [{"label": "Open the full preparation plan", "url": preview_url, "type": "absolute"}],
    }


def flag_card(flag: Mapping[str, Any], preview_url: str) -> dict[str, Any]:
    subject = flag.get("drug") or flag.get("input") or ""
    text = flag.get("text") or flag["code"]
    detail = flag.get("text") or ""
    if flag.get("guideline"):
        detail += f"\n\nGuideline ({flag.get('source')}): {flag['guideline']}"
    return {
        "uuid": str(uuid.uuid4()),
        # Name the drug or line first, unless the flag's own words already do.
        "summary": summary(text if not subject or text.lower().startswith(subject.lower()) else f"{subject}: {text}"),
        "detail": detail.strip(),
        "indicator": INDICATOR.get(flag.get("severity", ""), "info"),
        "source": _source(flag.get("source"), flag["code"]),
        "links": [{"label": "Open the full preparation plan", "url": preview_url, "type": "absolute"}],
    }


def missing_data_card(key: str, name: str, reason: str, preview_url: str) -> dict[str, Any]:
    """The EHR could not give `key` in full: say which data, and what that means."""
    critical = key in _CRITICAL_DATA
    consequence = ("Blood thinners and other medicines to hold may be missing from this plan."
                   if key in MEDICATION_KEYS else
                   "Allergies may be missing from this plan." if key == "allergies" else
                   "The plan may ask for values the EHR holds.")
    return {
        "uuid": str(uuid.uuid4()),
        "summary": summary(f"Not read from the EHR: {name}. Check it by hand before signing."),
        "detail": f"{name[0].upper()}{name[1:]} ({key}): {reason}.\n\n{consequence}",
        "indicator": "critical" if critical else "warning",
        "source": {"label": "kyphoplan: EHR data check"},
        "links": [{"label": "Open the full preparation plan", "url": preview_url, "type": "absolute"}],
    }


def plan_cards(plan: Mapping[str, Any], notes: list[str], preview_url: str, *,
               incomplete: Mapping[str, str] | None = None, data_names: Mapping[str, str] | None = None,
               extra_links: list[dict[str, Any]] | None = None,
               suggest: Callable[[str], list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """Overview, a card per incomplete EHR query, then one per flag. `suggest(flag code)`
    gives the suggestions for a flag's card; `extra_links` (the SMART launch) go on every card."""
    missing = [missing_data_card(key, (data_names or {}).get(key, key), reason, preview_url)
               for key, reason in (incomplete or {}).items()]
    flags = []
    for flag in plan["flags"]:
        card = flag_card(flag, preview_url)
        suggestions = suggest(flag["code"]) if suggest else []
        if suggestions:
            card["suggestions"] = suggestions
            card["selectionBehavior"] = "any"
        flags.append(card)
    flags.sort(key=lambda card: _ORDER[card["indicator"]])  # stable: keeps the engine's order within a level
    missing.sort(key=lambda card: _ORDER[card["indicator"]])
    overview = overview_card(plan, notes, preview_url, incomplete)
    if suggest and suggest(OVERVIEW):
        overview["suggestions"] = suggest(OVERVIEW)
        overview["selectionBehavior"] = "any"
    cards = [overview, *missing, *flags]
    for card in cards:
        card["links"] += extra_links or []
    return cards
