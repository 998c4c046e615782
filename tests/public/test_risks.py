"""Maria reads about the risks and looks at the steps of the procedure, in English or Spanish."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.spanish_text import spanish_problems

from .readability import reader_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("url", "heading", "source"), [
    ("/en/risks/", "Is kyphoplasty safe?", "Where these facts come from"),
    ("/es/riesgos-del-tratamiento/", "¿Es segura la cifoplastia?", "De dónde vienen estos datos"),
])
def test_it_explains_the_risks_and_where_the_facts_come_from(client: Client, url: str, heading: str,
                                                           source: str) -> None:
    page = client.get(url).content.decode()
    assert f"<h1>{heading}</h1>" in page and source in page
    for topic in ("Society of Interventional Radiology", "KAVIAR"):
        assert topic in page
    assert 'aria-current="page"' in page


@pytest.mark.parametrize(("url", "alt_start"), [
    ("/en/procedure/", "Four drawings of a broken bone"),
    ("/es/tratamiento/", "Cuatro dibujos de un hueso roto"),
])
def test_it_shows_the_steps_with_a_text_alternative(client: Client, url: str, alt_start: str) -> None:
    page = client.get(url).content.decode()
    img = re.search(r'<img src="(/static/img/kyphoplasty-steps[^"]*\.svg)"[^>]*alt="([^"]+)"', page)
    assert img is not None and img.group(2).startswith(alt_start)
    assert all(f"{n}:" in img.group(2) for n in (1, 2, 3, 4))
    svg = b"".join(client.get(img.group(1)).streaming_content).decode()  # type: ignore[attr-defined]
    assert svg.startswith("<svg") and "<title>" in svg


@pytest.mark.parametrize("url", ["/es/riesgos-del-tratamiento/", "/es/tratamiento/", "/es/pida-una-llamada/"])
def test_it_writes_spanish_pages_without_english_drug_names_or_double_stops(client: Client, url: str) -> None:
    assert spanish_problems(reader_text(client.get(url).content.decode())) == []
