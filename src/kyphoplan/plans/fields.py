"""A JSON object stored compressed: the `facts` and `plan` of a plan version.

A full plan is about 25 KB of JSON on average (every sentence in two languages with its
guideline wording; 32 KB for the contract's example). PostgreSQL's own TOAST compression
(pglz) keeps about a third of it, zlib level 9 a fifth: over 1,000 plans from varied facts,
8.8 KB against 5.1 KB a plan on PostgreSQL, and 26.5 KB against 5.1 KB on SQLite, which
compresses nothing (bench/bench_plan_storage.py). The column is binary (bytea on PostgreSQL,
BLOB on SQLite): one format byte, then the data. Format 1 is zlib (RFC 1950) of the compact
UTF-8 JSON text, keys in the order they were given. A new format would take a new byte, and
`unpack` would keep reading every older one: stored (signed) rows are not rewritten for it.

The attribute is the same Python object a JSONField gives back (`version.plan["actions"]`),
and `values()` / `values_list()` decode it too. What the column cannot do is a JSON lookup
in SQL (`plan__actions__0`): Django refuses it with an error; nothing queries inside a plan.
"""

from __future__ import annotations

import json
import zlib
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.expressions import Expression

    _Base = models.BinaryField[dict[str, Any], dict[str, Any]]
else:
    _Base = models.BinaryField

FORMAT_ZLIB = 1
# Level 6 is 0.2% larger on full plans and was no faster here: about 1.3 ms to pack a plan,
# 0.13 ms to unpack it (bench/bench_plan_storage.py).
LEVEL = 9


class CompressedFormatError(ValueError):
    pass


def pack(value: dict[str, Any]) -> bytes:
    """A JSON object → format byte + zlib of its compact UTF-8 text (key order kept)."""
    if not isinstance(value, dict):
        raise TypeError(f"a compressed JSON field holds a JSON object, not {type(value).__name__}")
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return bytes([FORMAT_ZLIB]) + zlib.compress(text.encode("utf-8"), LEVEL)


def unpack(data: bytes | memoryview) -> dict[str, Any]:
    raw = bytes(data)
    if raw[:1] != bytes([FORMAT_ZLIB]):
        raise CompressedFormatError(f"unknown compressed JSON format (first byte {raw[:1].hex() or 'missing'})")
    try:
        value = json.loads(zlib.decompress(raw[1:]))
    except (zlib.error, ValueError) as e:
        raise CompressedFormatError(f"damaged compressed JSON: {e}") from None
    if not isinstance(value, dict):
        raise CompressedFormatError(f"compressed JSON holds a {type(value).__name__}, not an object")
    return value


class CompressedJSONField(_Base):
    """JSONField's Python side, a compressed binary column underneath."""

    # What the model attribute holds for django-stubs: the decoded object, not BinaryField's bytes.
    _pyi_private_set_type: dict[str, Any]
    _pyi_private_get_type: dict[str, Any]  # type: ignore[assignment]

    description = "A JSON object, stored compressed"
    # No default means no default (None, a NOT NULL error), as for JSONField, not BinaryField's b"".
    empty_strings_allowed = False

    def from_db_value(self, value: bytes | memoryview | None, expression: Expression,
                      connection: BaseDatabaseWrapper) -> dict[str, Any] | None:
        return None if value is None else unpack(value)

    def get_prep_value(self, value: Any) -> bytes | None:
        value = super().get_prep_value(value)
        return None if value is None else pack(value)

    def to_python(self, value: Any) -> Any:
        # The attribute already is the JSON object (BinaryField would base64-decode a str).
        return value

    def value_to_string(self, obj: models.Model) -> Any:
        # Serializers (dumpdata) write the JSON object, as for a JSONField, not base64 bytes.
        return self.value_from_object(obj)
