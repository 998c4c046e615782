"""JSON request bodies read with bounds: hostile nesting is a 400, never a RecursionError."""

from __future__ import annotations

import json
from typing import Any

# FHIR resources and CDS Hooks requests nest a dozen levels at most.
MAX_DEPTH = 64


class BadJson(ValueError):
    """The body is not JSON we accept; the message says why in one line."""


def _depth_within(value: Any, limit: int) -> bool:
    # Iterative, so the check itself cannot overflow the stack.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return True


def load_json(body: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a request body; BadJson when it is not JSON or nests deeper than `max_depth`."""
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadJson("the body is not JSON") from None
    except RecursionError:
        raise BadJson(f"the body nests deeper than {max_depth} levels") from None
    if not _depth_within(value, max_depth):
        raise BadJson(f"the body nests deeper than {max_depth} levels")
    return value
