"""JSON request bodies read with bounds: hostile nesting is a 400, never a RecursionError, and a
NUL character (which PostgreSQL cannot store in text) is a 400, never a 500 at the database."""

from __future__ import annotations

import json
from typing import Any

# FHIR resources and CDS Hooks requests nest a dozen levels at most.
MAX_DEPTH = 64


class BadJson(ValueError):
    """The body is not JSON we accept; the message says why in one line."""


def _problem(value: Any, limit: int) -> str | None:
    # Iterative, so the check itself cannot overflow the stack.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "the body holds a NUL character (\\u0000), which is not text"
        elif isinstance(item, dict | list):
            if depth > limit:
                return f"the body nests deeper than {limit} levels"
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def load_json(body: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a request body; BadJson when it is not JSON or nests deeper than `max_depth`."""
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadJson("the body is not JSON") from None
    except RecursionError:
        raise BadJson(f"the body nests deeper than {max_depth} levels") from None
    problem = _problem(value, max_depth)
    if problem:
        raise BadJson(problem)
    return value
