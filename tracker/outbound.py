"""Outbound HTTP (feeds, webhooks) only to public addresses.

A URL stored by an editor must not make the tracker reach its own network:
loopback, private, link-local (the cloud metadata address), carrier-grade NAT,
multicast or reserved addresses. The check is on the address actually
connected to, after DNS resolution, so a name that resolves (or re-resolves)
to such an address is refused too, and it runs again for every redirect,
which opens a new connection. Through a proxy, the target's name is resolved
and checked here before the request is handed to the proxy.

Only http and https are opened: the opener has no file, ftp or data handler.
``FEEDS_ALLOW_PRIVATE_HOSTS`` lifts the address check, for a feed on the
local network and for the tests' server on 127.0.0.1.
"""

import http.client
import ipaddress
import socket
import urllib.parse
import urllib.request
from typing import Any


class OutboundRefused(ValueError):
    """The target is not a public http(s) address; the message says why."""


def allows_private_hosts() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "FEEDS_ALLOW_PRIVATE_HOSTS", False))


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that address.
        if ip in NAT64:
            return is_public_address(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo or (None, None))[1]
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not ip.is_multicast


def check_address(address: str, host: str) -> None:
    if not is_public_address(address):
        raise OutboundRefused(
            f"{host} is at {address}, which is not a public address; only "
            "public hosts are fetched (FEEDS_ALLOW_PRIVATE_HOSTS allows others)"
        )


def check_host(host: str, port: int) -> None:
    """Resolve ``host`` and refuse it unless every address it has is public."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for info in infos:
        check_address(info[4][0], host)


def check_scheme(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        raise OutboundRefused(f"only http and https URLs are opened, not {url!r}")


def _guarded(connection_class: type, *, check_peer: bool) -> type:
    class GuardedConnection(connection_class):
        def connect(self) -> None:
            super().connect()
            if check_peer:
                try:
                    check_address(self.sock.getpeername()[0], self.host)
                except OutboundRefused:
                    self.close()
                    raise

    return GuardedConnection


class _GuardMixin:
    allow_private = False

    def _open_guarded(self, req: urllib.request.Request, connection_class: type):
        check_scheme(req.full_url)
        is_proxied = req.has_proxy() or bool(getattr(req, "_tunnel_host", None))
        if is_proxied and not self.allow_private:
            target = urllib.parse.urlsplit(req.full_url)
            default_port = 443 if target.scheme == "https" else 80
            check_host(target.hostname or "", target.port or default_port)
        check_peer = not is_proxied and not self.allow_private
        return self.do_open(_guarded(connection_class, check_peer=check_peer), req)


class GuardedHTTPHandler(_GuardMixin, urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request):
        return self._open_guarded(req, http.client.HTTPConnection)


class GuardedHTTPSHandler(_GuardMixin, urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request):
        return self._open_guarded(req, http.client.HTTPSConnection)


class GuardedRedirectMixin:
    def redirect_request(self, req, fp, code, msg, headers, newurl) -> Any:
        check_scheme(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def build_opener(
    *,
    allow_private: bool | None = None,
    redirect_handler: type = urllib.request.HTTPRedirectHandler,
) -> urllib.request.OpenerDirector:
    """An opener for http and https only, to public addresses only.

    ``allow_private`` None reads ``FEEDS_ALLOW_PRIVATE_HOSTS``. Proxy settings
    come from the environment of the moment.
    """
    if allow_private is None:
        allow_private = allows_private_hosts()
    opener = urllib.request.OpenerDirector()
    redirect = type("GuardedRedirect", (GuardedRedirectMixin, redirect_handler), {})
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        redirect(),
        urllib.request.HTTPErrorProcessor(),
        GuardedHTTPHandler(),
        GuardedHTTPSHandler(),
    ):
        if isinstance(handler, _GuardMixin):
            handler.allow_private = allow_private
        opener.add_handler(handler)
    return opener
