"""Is a FHIR answer data, or an EHR saying it could not give the data?

An EHR may answer a search (or fill a CDS Hooks prefetch key) with an
OperationOutcome, or with a Bundle that holds only an outcome entry, or with an
outcome entry next to partial results. Reading any of those as "no medicines"
would turn a failed query into a confident plan, so they are told apart here.
Pure functions over JSON dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_FAILING = {"error", "fatal"}


def _issue_text(outcome: Mapping[str, Any]) -> str:
    for issue in outcome.get("issue") or []:
        words = issue.get("diagnostics") or (issue.get("details") or {}).get("text") or issue.get("code")
        if words:
            return str(words)[:200]
    return "no detail given"


def _entries(bundle: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [e for e in bundle.get("entry") or [] if isinstance(e, Mapping) and isinstance(e.get("resource"), Mapping)]


def failure_of(value: Mapping[str, Any]) -> str | None:
    """Why this answer is not (complete) data, or None when it is data.

    - an OperationOutcome on its own: the query failed;
    - a Bundle whose only entries are OperationOutcomes: the query failed;
    - a Bundle holding an OperationOutcome with an error or fatal issue: partial results.
    """
    kind = value.get("resourceType")
    if kind == "OperationOutcome":
        return f"the EHR answered with an OperationOutcome ({_issue_text(value)})"
    if kind != "Bundle":
        return None
    entries = _entries(value)
    outcomes = [e["resource"] for e in entries if e["resource"].get("resourceType") == "OperationOutcome"]
    if entries and len(outcomes) == len(entries):
        return f"the EHR's search held only an OperationOutcome ({_issue_text(outcomes[0])})"
    for outcome in outcomes:
        if any(issue.get("severity") in _FAILING for issue in outcome.get("issue") or []):
            return f"the EHR's search reported an error ({_issue_text(outcome)})"
    return None


def next_page(bundle: Mapping[str, Any]) -> str | None:
    """The `next` link of a search Bundle (more results exist), or None."""
    for link in bundle.get("link") or []:
        if isinstance(link, Mapping) and link.get("relation") == "next" and link.get("url"):
            return str(link["url"])
    return None


def data_resources(bundle: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A Bundle's resources that are data (outcome entries left out)."""
    return [dict(e["resource"]) for e in _entries(bundle) if e["resource"].get("resourceType") != "OperationOutcome"]
