"""Template context shared by every page."""

from django.http import HttpRequest
from django.urls import translate_url

from kyphoplan.web.practice import get_practice


def practice(request: HttpRequest) -> dict[str, object]:
    # The language switch is two plain links to this same page: no JavaScript, no form.
    switch = {code: translate_url(request.path, code) for code in ("en", "es")}
    return {"practice": get_practice(), "language_links": switch}
