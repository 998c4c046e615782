"""CSV cells a spreadsheet will not run (OWASP "CSV injection").

Spreadsheets treat a cell starting with =, +, -, @, a tab or a carriage return as a
formula, so text anyone can plant (a username typed at a failed login, a name on the
public call-back form) could run when staff open an export. Such cells get a leading
apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    if value is None:
        return ""
    text = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[object]) -> list[str]:
    return [safe_cell(value) for value in values]
