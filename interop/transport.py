"""How the registry talks to its peers: one call, ``request(method, url, json=None)`` →
``PeerResponse(status, body)``, with a timeout and a cap on the answer's size.

``HttpTransport`` (the default) speaks HTTP through ``urllib`` like the offline verifier
and the monitor; ``WsgiTransport`` hands the same call to WSGI applications in the same
process (tests, the benchmark, two registries on one machine). The app's
``PEER_TRANSPORT`` setting, when set, replaces the default.
"""

import json as jsonlib
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.test import Client


class PeerUnreachable(Exception):
    """The peer gave no usable answer: network error, timeout, or an answer too large."""


@dataclass(frozen=True)
class PeerResponse:
    status: int
    body: bytes


def _payload(json) -> bytes | None:
    if json is None:
        return None
    return jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A peer answers at its own address: a redirect elsewhere is an answer we do not read
    (nor let it steer the registry to another host)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpTransport:
    """Real HTTP(S): ``timeout`` seconds per call in all (a peer that answers a byte at a
    time is cut off when they have passed, not only one that stays silent), at most
    ``max_bytes`` of answer read, redirects not followed."""

    CHUNK = 64 * 1024

    def __init__(self, timeout: float = 5, max_bytes: int = 1024 * 1024):
        self.timeout, self.max_bytes = timeout, max_bytes
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, method: str, url: str, json=None, headers=None) -> PeerResponse:
        if urlsplit(url).scheme not in ("http", "https"):
            raise PeerUnreachable(f"not an http(s) URL: {url}")
        req = urllib.request.Request(url, data=_payload(json), method=method, headers={
            "Accept": "application/json", "Content-Type": "application/json",
            **(headers or {})})
        deadline = time.monotonic() + self.timeout
        try:
            with self.opener.open(req, timeout=self.timeout) as response:  # noqa: S310
                return PeerResponse(response.status, self._read(response, deadline))
        except urllib.error.HTTPError as error:
            return PeerResponse(error.code, self._read(error, deadline))
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise PeerUnreachable(str(error)) from error

    def _read(self, stream, deadline: float) -> bytes:
        body = bytearray()
        while len(body) <= self.max_bytes:
            if time.monotonic() > deadline:
                raise PeerUnreachable(f"no complete answer within {self.timeout} seconds")
            read = getattr(stream, "read1", stream.read)
            chunk = read(min(self.CHUNK, self.max_bytes + 1 - len(body)))
            if not chunk:
                return bytes(body)
            body += chunk
        raise PeerUnreachable(f"answer larger than {self.max_bytes} bytes")


class WsgiTransport:
    """Calls WSGI applications in this process, chosen by the URL's origin
    (``{"https://peer.test": peer_app}``); an origin not listed is unreachable."""

    def __init__(self, apps: dict, max_bytes: int = 1024 * 1024):
        self.apps = {origin.rstrip("/"): app for origin, app in apps.items()}
        self.max_bytes = max_bytes

    def request(self, method: str, url: str, json=None, headers=None) -> PeerResponse:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        app = self.apps.get(origin)
        if app is None:
            raise PeerUnreachable(f"no application serves {origin}")
        response = Client(app).open(
            parts.path, base_url=origin, query_string=parts.query, method=method,
            data=_payload(json), content_type="application/json",
            headers={"Accept": "application/json", **(headers or {})})
        body = response.get_data()
        response.close()
        if len(body) > self.max_bytes:
            raise PeerUnreachable(f"answer larger than {self.max_bytes} bytes")
        return PeerResponse(response.status_code, body)


def current_transport():
    """The transport of the current app: ``PEER_TRANSPORT`` or HTTP with the configured
    timeout and size limit."""
    configured = current_app.config.get("PEER_TRANSPORT")
    if configured is not None:
        return configured
    return HttpTransport(current_app.config["PEER_TIMEOUT_SECONDS"],
                         current_app.config["PEER_MAX_RESPONSE_BYTES"])
