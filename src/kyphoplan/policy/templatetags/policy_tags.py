from typing import Any

from django import template

from kyphoplan.policy.services import is_policy_admin

register = template.Library()


@register.filter
def policy_admin(user: Any) -> bool:
    """True for a practice admin: the staff nav shows "Clinical policy" only to them."""
    return is_policy_admin(user)
