"""A small fake of Stripe's Checkout Sessions API, good enough for the real ``stripe`` library.

Stripe's own ``stripe-mock`` is not available here, so tests point
``StripeClient(..., base_addresses={"api": fake.url})`` at this server instead::

    with FakeStripe() as fake:
        gateway = StripeGateway("sk_test_x", "whsec_x", api_base=fake.url)
        session = gateway.create_checkout_session(...)
        fake.complete(session.id)
        event = fake.event_for(session.id, "checkout.session.completed")
        payload = json.dumps(event).encode()
        headers = {"Stripe-Signature": sign_webhook(payload, "whsec_x")}
        client.post("/api/v1/payments/stripe/webhook", data=payload, headers=headers)

It serves ``POST /v1/checkout/sessions`` (form-encoded, validated like Stripe: mode, ``cny``,
line items, payment method types, the 30 min–24 h ``expires_at`` window, URLs; idempotency
keys replay the first answer and refuse different parameters), ``GET
/v1/checkout/sessions/{id}`` and ``POST /v1/checkout/sessions/{id}/expire``, with
Stripe-shaped objects and errors. A session's ``url`` (``/pay/{id}``) is a tiny page whose
buttons complete the payment and redirect to ``success_url``/``cancel_url``; with
``webhook_url`` and ``webhook_secret`` set, the fake also delivers signed events there.

Standalone: ``python -m tests.fakestripe --port 12111`` (or ``python tests/fakestripe.py``).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"
MAX_AMOUNT = 99_999_999
PAYMENT_METHOD_TYPES = {"card", "alipay", "wechat_pay"}
WECHAT_PAY_CLIENTS = {"web", "ios", "android"}
CREATE_PARAMS = {
    "mode", "currency", "line_items", "payment_method_types", "payment_method_options",
    "success_url", "cancel_url", "expires_at", "client_reference_id", "metadata",
    "customer_email", "locale", "expand",
}
_SESSION_PATH = re.compile(r"^/v1/checkout/sessions/([A-Za-z0-9_]+)(/expire)?$")


def sign_webhook(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send with ``payload``."""
    t = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), b"%d." % t + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={signature}"


class FakeStripeError(Exception):
    """A Stripe-shaped error answer: ``{"error": {type, message, param, code}}``."""

    def __init__(self, status: int, message: str, param: str | None = None, *,
                 type: str = "invalid_request_error", code: str | None = None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type, "message": message}}
        if param:
            self.body["error"]["param"] = param
        if code:
            self.body["error"]["code"] = code


def _bad(message: str, param: str | None = None) -> FakeStripeError:
    return FakeStripeError(400, message, param)


# -- form decoding and validation ------------------------------------------------------


def decode_form(body: str) -> dict[str, Any]:
    """Decode Stripe's bracketed form encoding (``a[b][0][c]=v``) into dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        match = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]+\])*)", key)
        if not match:
            raise _bad(f"Invalid parameter name: {key}", key)
        parts = [match.group(1), *re.findall(r"\[([^\[\]]+)\]", match.group(2))]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise _bad(f"Invalid hash: {key}", key)
        node[parts[-1]] = value
    return _listify(root)


def _listify(node: Any, key: str = "") -> Any:
    if not isinstance(node, dict):
        return node
    node = {k: _listify(v, k) for k, v in node.items()}
    if key != "metadata" and node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def _integer(value: Any, param: str, minimum: int) -> int:
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise _bad(f"Invalid integer: {value}", param)
    if int(value) < minimum:
        raise _bad(f"This value must be greater than or equal to {minimum}.", param)
    return int(value)


def _url(params: dict, name: str, required: bool) -> str | None:
    value = params.get(name)
    if value is None and not required:
        return None
    if value is None:
        raise _bad(f"Missing required param: {name}.", name)
    if not isinstance(value, str) or not re.match(r"https?://[^/\s]+", value):
        raise _bad("Not a valid URL", name)
    return value


def _line_items(params: dict, currency: str) -> tuple[list[dict], int]:
    items = params.get("line_items")
    if not items:
        raise _bad("Missing required param: line_items.", "line_items")
    if not isinstance(items, list):
        raise _bad("Invalid array", "line_items")
    total = 0
    for i, item in enumerate(items):
        prefix = f"line_items[{i}]"
        price_data = item.get("price_data") if isinstance(item, dict) else None
        if not isinstance(price_data, dict):
            raise _bad(f"Missing required param: {prefix}[price_data].", f"{prefix}[price_data]")
        if price_data.get("currency") != currency:
            raise _bad(f"Invalid currency: {price_data.get('currency')}. This account "
                       f"accepts only {currency}.", f"{prefix}[price_data][currency]")
        name = (price_data.get("product_data") or {}).get("name")
        if not isinstance(name, str) or not name.strip():
            param = f"{prefix}[price_data][product_data][name]"
            raise _bad(f"Missing required param: {param}.", param)
        unit_amount = _integer(price_data.get("unit_amount"),
                               f"{prefix}[price_data][unit_amount]", 1)
        total += unit_amount * _integer(item.get("quantity"), f"{prefix}[quantity]", 1)
    if total > MAX_AMOUNT:
        raise _bad("Amount must be no more than ¥999,999.99", "line_items")
    return items, total


def _payment_method_types(params: dict) -> list[str]:
    types = params.get("payment_method_types", ["card"])
    if not isinstance(types, list) or not types:
        raise _bad("Invalid array", "payment_method_types")
    for i, kind in enumerate(types):
        if kind not in PAYMENT_METHOD_TYPES:
            raise _bad(f"Invalid payment_method_types[{i}]: must be one of "
                       f"{', '.join(sorted(PAYMENT_METHOD_TYPES))}", "payment_method_types")
    client = (params.get("payment_method_options") or {}).get("wechat_pay", {}).get("client")
    if "wechat_pay" in types and client not in WECHAT_PAY_CLIENTS:
        raise _bad("payment_method_options[wechat_pay][client] is required when "
                   "payment_method_types includes wechat_pay.",
                   "payment_method_options[wechat_pay][client]")
    return types


def _expires_at(params: dict, now: int) -> int:
    if "expires_at" not in params:
        return now + 24 * 3600
    expires_at = _integer(params["expires_at"], "expires_at", 0)
    if expires_at < now + 30 * 60:
        raise _bad("The `expires_at` timestamp must be at least 30 minutes from Checkout "
                   "Session creation.", "expires_at")
    if expires_at > now + 24 * 3600:
        raise _bad("The `expires_at` timestamp must be less than 24 hours from Checkout "
                   "Session creation.", "expires_at")
    return expires_at


def _metadata(params: dict) -> dict[str, str]:
    metadata = params.get("metadata", {})
    if not isinstance(metadata, dict):
        raise _bad("Invalid hash", "metadata")
    for key, value in metadata.items():
        if len(key) > 40 or len(value) > 500:
            raise _bad("Metadata keys are limited to 40 characters and values to 500.",
                       f"metadata[{key}]")
    return metadata


def build_session(params: dict, base_url: str, now: int) -> tuple[dict, list[dict]]:
    """Validate create parameters; return the new session object and its line items."""
    for name in params:
        if name not in CREATE_PARAMS:
            raise _bad(f"Received unknown parameter: {name}", name)
    mode = params.get("mode")
    if mode is None:
        raise _bad("Missing required param: mode.", "mode")
    if mode != "payment":
        raise _bad(f"Invalid mode: {mode}. This fake supports only payment.", "mode")
    currency = params.get("currency", "cny")
    if currency != "cny":
        raise _bad(f"Invalid currency: {currency}. This account accepts only cny.", "currency")
    items, total = _line_items(params, currency)
    email = params.get("customer_email")
    if email is not None and "@" not in email:
        raise _bad(f"Invalid email address: {email}", "customer_email")
    reference = params.get("client_reference_id")
    if reference is not None and not 0 < len(reference) <= 200:
        raise _bad("client_reference_id must be 1 to 200 characters.", "client_reference_id")
    session_id = "cs_test_" + secrets.token_hex(24)
    session = {
        "id": session_id, "object": "checkout.session",
        "amount_subtotal": total, "amount_total": total, "currency": currency,
        "cancel_url": _url(params, "cancel_url", required=False),
        "success_url": _url(params, "success_url", required=True),
        "client_reference_id": reference, "created": now, "customer": None,
        "customer_details": None, "customer_email": email,
        "expires_at": _expires_at(params, now), "livemode": False,
        "locale": params.get("locale"), "metadata": _metadata(params), "mode": mode,
        "payment_intent": None, "payment_method_types": _payment_method_types(params),
        "payment_method_options": params.get("payment_method_options", {}),
        "payment_status": "unpaid", "status": "open",
        "url": f"{base_url}/pay/{session_id}",
    }
    return session, items


# -- the fake ----------------------------------------------------------------------------


class FakeStripe:
    """The fake Stripe server plus a Python control API for tests.

    ``sessions`` maps ids to the Stripe-shaped session objects (``line_items`` keeps each
    session's decoded line items) and ``requests`` records every API call as
    ``{method, path, headers, params}``. ``api_key``, when given, is the only key accepted;
    otherwise any ``sk_test_…`` key is.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, api_key: str | None = None,
                 webhook_url: str | None = None, webhook_secret: str | None = None,
                 verbose: bool = False):
        self.host, self.port, self.api_key = host, port, api_key
        self.webhook_url, self.webhook_secret, self.verbose = webhook_url, webhook_secret, verbose
        self.sessions: dict[str, dict] = {}
        self.line_items: dict[str, list[dict]] = {}
        self.requests: list[dict] = []
        self.api_version = API_VERSION
        self._replays: dict[tuple[str, str], tuple[tuple[str, str], dict, dict]] = {}
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeStripe is not running")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> FakeStripe:
        self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # control API for tests

    def complete(self, session_id: str, paid: bool = True) -> dict:
        """The buyer pays: ``paid=False`` is an async method (Alipay…) still settling."""
        with self._lock:
            session = self._open_session(session_id)
            session.update(status="complete", payment_status="paid" if paid else "unpaid",
                           url=None, payment_intent="pi_test_" + secrets.token_hex(12),
                           customer_details={"email": session["customer_email"]})
            return copy.deepcopy(session)

    def settle(self, session_id: str, succeeded: bool = True) -> dict:
        """An async payment of a completed session succeeds (``paid``) or fails (``unpaid``)."""
        with self._lock:
            session = self._get(session_id)
            if session["status"] != "complete" or session["payment_status"] != "unpaid":
                raise ValueError(f"{session_id} has no payment pending")
            if succeeded:
                session["payment_status"] = "paid"
            return copy.deepcopy(session)

    def expire(self, session_id: str) -> dict:
        """The session runs out of time (or is expired through the API)."""
        with self._lock:
            session = self._open_session(session_id)
            session.update(status="expired", url=None)
            return copy.deepcopy(session)

    def event_for(self, session_id: str, type: str) -> dict:
        """A Stripe event of ``type`` (``checkout.session.*``) carrying the session now."""
        if not type.startswith("checkout.session."):
            raise ValueError(f"not a checkout session event: {type}")
        with self._lock:
            session = copy.deepcopy(self._get(session_id))
        return {
            "id": "evt_test_" + secrets.token_hex(12), "object": "event",
            "api_version": self.api_version, "created": int(time.time()),
            "data": {"object": session}, "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "type": type,
        }

    def send_event(self, session_id: str, type: str) -> int:
        """Deliver a signed event to ``webhook_url``; return the HTTP status it answered."""
        if not (self.webhook_url and self.webhook_secret):
            raise RuntimeError("FakeStripe needs webhook_url and webhook_secret to send events")
        payload = json.dumps(self.event_for(session_id, type)).encode()
        request = urllib.request.Request(self.webhook_url, data=payload, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": sign_webhook(payload, self.webhook_secret),
        })
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    # the HTTP API

    def handle_api(self, method: str, path: str, body: str, headers) -> tuple[int, dict, dict]:
        """Answer one ``/v1`` request: ``(status, json body, extra headers)``."""
        api_key = self._authenticate(headers.get("Authorization"))
        params = decode_form(body)
        with self._lock:
            self.api_version = headers.get("Stripe-Version") or self.api_version
            self.requests.append({"method": method, "path": path, "headers": dict(headers),
                                  "params": params})
            match = _SESSION_PATH.match(path)
            if method == "POST" and path == "/v1/checkout/sessions":
                return self._idempotent(api_key, headers, method, path, params, self._create)
            if method == "GET" and match and not match.group(2):
                return 200, copy.deepcopy(self._get(match.group(1))), {}
            if method == "POST" and match and match.group(2):
                return self._idempotent(api_key, headers, method, path, params,
                                        lambda _: self._expire_api(match.group(1)))
        raise FakeStripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _authenticate(self, header: str | None) -> str:
        if not header:
            raise FakeStripeError(401, "You did not provide an API key. You need to provide "
                                  "your API key in the Authorization header, using Bearer "
                                  "auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
        scheme, _, key = header.partition(" ")
        valid = re.fullmatch(r"sk_test_\w+", key) and key == (self.api_key or key)
        if scheme != "Bearer" or not valid:
            masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:]
            raise FakeStripeError(401, f"Invalid API Key provided: {masked}")
        return key

    def _idempotent(self, api_key, headers, method, path, params, action):
        # Like Stripe: a key replays the first successful answer for the same request, and
        # refuses other parameters; failed validation is not remembered.
        key = headers.get("Idempotency-Key")
        if key and (api_key, key) in self._replays:
            endpoint, first_params, body = self._replays[(api_key, key)]
            if endpoint != (method, path) or first_params != params:
                raise FakeStripeError(
                    400, "Keys for idempotent requests can only be used with the same "
                    "parameters they were first used with. Try using a key other than "
                    f"'{key}' if you meant to execute a different request.",
                    type="idempotency_error",
                )
            return 200, copy.deepcopy(body), {"Idempotent-Replayed": "true"}
        body = action(params)
        if key:
            self._replays[(api_key, key)] = ((method, path), params, copy.deepcopy(body))
        return 200, body, {}

    def _create(self, params: dict) -> dict:
        session, items = build_session(params, self.url, int(time.time()))
        self.sessions[session["id"]] = session
        self.line_items[session["id"]] = items
        return copy.deepcopy(session)

    def _expire_api(self, session_id: str) -> dict:
        session = self._get(session_id)
        if session["status"] != "open":
            raise _bad(f"Only Checkout Sessions with a status in [\"open\"] can be expired. "
                       f"This Checkout Session has a status of \"{session['status']}\".")
        return self.expire(session_id)

    def _get(self, session_id: str) -> dict:
        session = self.sessions.get(session_id)
        if session is None:
            raise FakeStripeError(404, f"No such checkout.session: '{session_id}'", "session",
                                  code="resource_missing")
        if session["status"] == "open" and time.time() >= session["expires_at"]:
            session.update(status="expired", url=None)
        return session

    def _open_session(self, session_id: str) -> dict:
        session = self._get(session_id)
        if session["status"] != "open":
            raise ValueError(f"{session_id} is {session['status']}, not open")
        return session


class _Handler(BaseHTTPRequestHandler):
    """HTTP edge: ``/v1/...`` goes to :meth:`FakeStripe.handle_api`, ``/pay/...`` is the page."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the library's connection pool expects

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.fake.verbose:  # type: ignore[attr-defined]
            super().log_message(format, *args)

    def _dispatch(self, method: str) -> None:
        fake: FakeStripe = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        path = urlsplit(self.path).path
        if path.startswith("/pay/"):
            return self._pay_page(fake, method, path.removeprefix("/pay/"), body)
        try:
            status, payload, headers = fake.handle_api(method, path, body, self.headers)
        except FakeStripeError as err:
            status, payload, headers = err.status, err.body, {}
        except Exception as exc:  # a bug in the fake: answer like Stripe's 500s
            status, headers = 500, {}
            payload = {"error": {"type": "api_error", "message": f"FakeStripe: {exc!r}"}}
        headers["Stripe-Version"] = fake.api_version
        self._send(status, json.dumps(payload).encode(), "application/json", headers)

    def _pay_page(self, fake: FakeStripe, method: str, session_id: str, body: str) -> None:
        # A stand-in for Stripe's hosted page, for browser tests and local demos.
        with fake._lock:
            session = copy.deepcopy(fake.sessions.get(session_id))
        if session is None:
            return self._send(404, b"No such checkout session", "text/plain", {})
        action = dict(parse_qsl(body)).get("action")
        if method == "POST" and action in ("pay", "cancel") and session["status"] == "open":
            target = session["cancel_url"] or session["success_url"]
            if action == "pay":
                fake.complete(session_id)
                if fake.webhook_url and fake.webhook_secret:
                    fake.send_event(session_id, "checkout.session.completed")
                target = session["success_url"]
            location = target.replace("{CHECKOUT_SESSION_ID}", session_id)
            return self._send(303, b"", "text/plain", {"Location": location})
        amount = session["amount_total"]
        page = (
            f"<!doctype html><meta charset=utf-8><title>FakeStripe Checkout</title>"
            f"<h1>FakeStripe Checkout</h1><p>{html.escape(session_id)}</p>"
            f"<p>Total: ¥{amount // 100:,}.{amount % 100:02d} — status "
            f"<b id=status>{html.escape(session['status'])}</b></p>"
            f"<form method=post><button name=action value=pay>Pay</button> "
            f"<button name=action value=cancel>Cancel</button></form>"
        )
        self._send(200, page.encode(), "text/html; charset=utf-8", {})

    def _send(self, status: int, body: bytes, content_type: str, headers: dict) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", "req_" + secrets.token_hex(7))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a fake Stripe Checkout API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", help="accept only this secret key (default: any sk_test_…)")
    parser.add_argument("--webhook-url", help="deliver signed events here when a page is paid")
    parser.add_argument("--webhook-secret", help="the whsec_… secret to sign them with")
    args = parser.parse_args(argv)
    fake = FakeStripe(host=args.host, port=args.port, api_key=args.api_key,
                      webhook_url=args.webhook_url, webhook_secret=args.webhook_secret,
                      verbose=True)
    fake.start()
    print(fake.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
