"""May this number get a text? Asked just before every text this app sends.

The answer lives higher up: the messaging app keeps consent per number and purpose
(messaging.SmsConsent: one STOP covers everyone on that number, REFERENCE §13b), and it
reads reminders, which sit above the cases and call-backs that write to this outbox. So
that app registers its check here from its AppConfig.ready, and this low app never
imports it (the pattern of outbox.sources). With no check registered, no text goes out:
an unknown answer is not a yes.
"""

from __future__ import annotations

from collections.abc import Callable

# phone (E.164) → why it may not be texted, or "" when it may
Check = Callable[[str], str]

_CHECKS: list[Check] = []
NO_CHECK = "no opt-out check is registered (the messaging app is not installed)"


def register(check: Check) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def refusal(phone: str) -> str:
    """Why `phone` may not get a text now ("" if it may)."""
    if not _CHECKS:
        return NO_CHECK
    return next((why for why in (check(phone) for check in _CHECKS) if why), "")
