"""Keyset ("seek") paging: a page is the rows after (or before) the last row seen, so a deep
page costs what the first one does and nothing counts the table.

A cursor is an opaque token carrying the sort values of one row. Every ordering used here
ends in a unique field, so the order is total and no row is skipped or repeated when rows
are added between two pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Field, Model, Q, QuerySet

M = TypeVar("M", bound=Model)
MAX_CURSOR = 512  # characters: a cursor is a few values, never more


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class KeyPage(Generic[M]):
    rows: list[M]
    next: str | None  # cursor for the page after this one (None: this is the last)
    previous: str | None  # cursor for the page before (None: this is the first)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def encode(row: Model, order: Sequence[str]) -> str:
    values = [_plain(getattr(row, name.lstrip("-"))) for name in order]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(model: type[Model], order: Sequence[str], token: str) -> list[Any]:
    """The sort values in a cursor, typed by the model's fields; BadCursor if it is not one of ours."""
    if len(token) > MAX_CURSOR:
        raise BadCursor("the cursor is too long")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor("the cursor is not one this server made") from None
    if not isinstance(values, list) or len(values) != len(order):
        raise BadCursor("the cursor is not one this server made")
    typed = []
    for name, value in zip(order, values, strict=True):
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise BadCursor("the cursor is not one this server made")
        try:
            field = model._meta.get_field(name.lstrip("-"))
            if not isinstance(field, Field):
                raise BadCursor("the cursor is not one this server made")
            typed.append(field.to_python(value))
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise BadCursor("the cursor is not one this server made") from None
    return typed


def _beyond(order: Sequence[str], values: Sequence[Any], forward: bool) -> Q:
    """Rows strictly after `values` in `order` (or strictly before when not forward)."""
    descending = order[0].startswith("-")
    later = "lt" if descending == forward else "gt"
    names = [o.lstrip("-") for o in order]
    cond = Q()
    for i in range(len(names) - 1, -1, -1):
        step = Q(**{f"{names[i]}__{later}": values[i]})
        cond = step if i == len(names) - 1 else step | (Q(**{names[i]: values[i]}) & cond)
    # The bound on the first column alone lets the database start from its index.
    first = Q(**{f"{names[0]}__{later}e": values[0]})
    return first & cond


def page(qs: QuerySet[M], order: Sequence[str], *, size: int, after: str | None = None,
         before: str | None = None) -> KeyPage[M]:
    """One page of `qs` in `order` (all ascending or all descending, the last field unique).
    Raises BadCursor for a cursor that does not decode."""
    if len({o.startswith("-") for o in order}) != 1:
        raise ValueError("keyset paging needs one direction for every field")
    if before:
        values = decode(qs.model, order, before)
        backwards = [o[1:] if o.startswith("-") else "-" + o for o in order]
        fetched = list(qs.filter(_beyond(order, values, forward=False)).order_by(*backwards)[: size + 1])
        rows = list(reversed(fetched[:size]))
        more_before = len(fetched) > size
        return KeyPage(rows, encode(rows[-1], order) if rows else None,
                       encode(rows[0], order) if rows and more_before else None)
    if after:
        qs = qs.filter(_beyond(order, decode(qs.model, order, after), forward=True))
    fetched = list(qs.order_by(*order)[: size + 1])
    rows = fetched[:size]
    return KeyPage(rows, encode(rows[-1], order) if len(fetched) > size else None,
                   encode(rows[0], order) if rows and after else None)
