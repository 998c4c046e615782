"""Where a request came from, for audit rows, rate limits and sign-in lockouts (axes).

Behind a reverse proxy every request arrives from the proxy's address, so the client's
is read from X-Forwarded-For, but only when the request came from a trusted proxy
(KYPHOPLAN_TRUSTED_PROXIES; with KYPHOPLAN_BEHIND_PROXY=1 and no list, the proxy on
this machine: 127.0.0.0/8 and ::1). The header is read right to left, skipping trusted
proxies: entries left of the first untrusted address were written by the client.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

from kyphoplan.web.env import EnvError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOCAL_PROXY = ("127.0.0.0/8", "::1/128")


def parse_proxies(entries: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise EnvError(f"KYPHOPLAN_TRUSTED_PROXIES must be addresses or networks: {exc}") from None


@cache
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_proxies(entries)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    peer: str | None = request.META.get("REMOTE_ADDR") or None
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or peer is None or not _is_trusted(peer, networks):
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return peer  # a garbled header: the proxy is all we know
    return str(forwarded[0]) if forwarded else peer
