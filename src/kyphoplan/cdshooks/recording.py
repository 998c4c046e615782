"""Writes: a hook invocation and the feedback on its cards, each with its audit row."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from kyphoplan.audit.log import record
from kyphoplan.audit.models import Action
from kyphoplan.cdshooks.access import OBJECT_TYPE
from kyphoplan.cdshooks.auth import Client
from kyphoplan.cdshooks.models import Feedback, Invocation, IssuedCard, Outcome


class BadFeedback(ValueError):
    pass


def _actor(client: Client) -> str:
    return f"cds:{client.subject or client.issuer.iss}"[:150]


def save_invocation(
    client: Client, *, service_id: str, hook_instance: str, facts: dict[str, Any], placeholder: bool,
    ip: str | None, now: datetime,
) -> Invocation:
    with transaction.atomic():
        invocation = Invocation.objects.create(
            hook_instance=hook_instance[:64], service_id=service_id, issuer=client.issuer.iss,
            client_id=client.subject[:255], received_at=now, facts=facts, placeholder_start=placeholder,
        )
        record(None, Action.CREATE, ip=ip, object_type=OBJECT_TYPE, object_id=invocation.pk, at=now,
               username=_actor(client), detail={"service": service_id, "issuer": client.issuer.iss,
                                                "medications": len(facts["medications"]),
                                                "allergies": len(facts["allergies"])})
    return invocation


def save_cards(invocation: Invocation, cards: list[dict[str, Any]]) -> None:
    IssuedCard.objects.bulk_create(
        IssuedCard(id=card["uuid"], invocation=invocation, summary=card["summary"]) for card in cards
    )


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise BadFeedback("outcomeTimestamp is required")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadFeedback("outcomeTimestamp is not an ISO 8601 instant") from None
    if parsed.tzinfo is None:
        raise BadFeedback("outcomeTimestamp needs a time zone")
    return parsed


def save_feedback(
    client: Client, service_id: str, body: Mapping[str, Any], *, ip: str | None, now: datetime
) -> list[Feedback]:
    items = body.get("feedback")
    if not isinstance(items, list) or not items:
        raise BadFeedback("feedback must be a non-empty list")
    rows = []
    with transaction.atomic():
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("card"), str):
                raise BadFeedback("each feedback item needs a card id")
            if item.get("outcome") not in Outcome.values:
                raise BadFeedback("outcome must be accepted or overridden")
            accepted = item.get("acceptedSuggestions") or []
            reason = item.get("overrideReason") or {}
            if not isinstance(accepted, list) or not isinstance(reason, dict):
                raise BadFeedback("acceptedSuggestions must be a list and overrideReason an object")
            card = _issued(item["card"], client)
            rows.append(Feedback.objects.create(
                service_id=service_id, card_ref=item["card"][:64], card=card,
                issuer=client.issuer.iss, outcome=item["outcome"], outcome_at=_parse_time(item.get("outcomeTimestamp")),
                received_at=now, accepted_suggestions=accepted, override_reason=reason,
            ))
        record(None, Action.CREATE, ip=ip, object_type="cdsfeedback", at=now, username=_actor(client),
               detail={"service": service_id, "count": len(rows),
                       "outcomes": sorted({r.outcome for r in rows})})
    return rows


def _issued(card_id: str, client: Client) -> IssuedCard | None:
    try:
        return IssuedCard.objects.filter(pk=uuid.UUID(card_id), invocation__issuer=client.issuer.iss).first()
    except ValueError:
        return None
