"""The site's own icon: /favicon.ico answers on every site, and pages link the SVG."""

from __future__ import annotations

from typing import Any


def test_it_serves_its_own_icon(client: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon" href="/static/img/favicon.svg"' in client.get("/en/").content.decode()
