"""Stripe Checkout gateway: the one module that talks to Stripe.

A thin layer over the official ``stripe`` library that speaks the registry's language
(order numbers, amounts in integer fen, ``cny``) and hides Stripe's types from the rest of
the code: callers get a frozen :class:`CheckoutSession` or a plain event dict, and every
failure is one of two exceptions.

* :class:`PaymentGatewayError` — Stripe could not be reached or refused the request. The
  caller turns it into a 502/503-style domain error (``retryable`` says which).
* :class:`InvalidWebhook` — a webhook whose signature, age or body is wrong: answer 400.

Each gateway owns its own ``stripe.StripeClient``; nothing here touches the library's
module-level state (``stripe.api_key`` and friends).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Mapping

import stripe

CURRENCY = "cny"
PAYMENT_METHOD_TYPES = ("card", "alipay", "wechat_pay")
WEBHOOK_TOLERANCE_SECONDS = 300
#: Stripe takes at most eight digits of minor units per charge (¥999,999.99); larger
#: orders have to go by bank transfer.
MAX_AMOUNT_FEN = 99_999_999

# Stripe accepts a Checkout Session ``expires_at`` 30 minutes to 24 hours after creation,
# measured on its own clock when the request arrives; the margin absorbs clock skew and
# network latency so a value at the edge is not refused.
SESSION_MIN_LIFETIME = timedelta(minutes=30)
SESSION_MAX_LIFETIME = timedelta(hours=24)
_EDGE_MARGIN = timedelta(minutes=1)


class PaymentGatewayError(Exception):
    """Stripe was unreachable or refused a request.

    ``retryable`` is true for connection failures, rate limits and Stripe-side 5xx errors
    (map to 503); otherwise the request itself was wrong (map to 502). ``error_type``
    (``invalid_request_error``, ``idempotency_error``…), ``code``, ``param``,
    ``http_status`` and ``request_id`` are Stripe's, when it answered.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        http_status: int | None = None,
        error_type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
    ):
        super().__init__(message)
        self.retryable = retryable
        self.http_status = http_status
        self.error_type = error_type
        self.code = code
        self.param = param
        self.request_id = request_id


class InvalidWebhook(ValueError):
    """A webhook request that did not come from Stripe, is too old, or is not an event."""


@dataclass(frozen=True)
class CheckoutSession:
    """The parts of a Stripe Checkout Session the registry acts on.

    ``url`` is where the buyer pays; Stripe clears it once the session is complete or
    expired. ``amount_total`` is in fen.
    """

    id: str
    url: str | None
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    amount_total: int
    client_reference_id: str | None
    currency: str = CURRENCY
    #: The PaymentIntent that paid the session: refunds and disputes name it.
    payment_intent: str | None = None

    @property
    def is_paid(self) -> bool:
        return self.status == "complete" and self.payment_status == "paid"

    @classmethod
    def from_stripe(cls, obj: stripe.StripeObject | Mapping[str, Any]) -> CheckoutSession:
        """Build from a library object or a plain dict (e.g. a webhook's ``data_object``)."""
        data = obj.to_dict() if isinstance(obj, stripe.StripeObject) else obj
        return cls(
            id=data["id"],
            url=data.get("url"),
            status=data["status"],
            payment_status=data["payment_status"],
            # Always set in payment mode; 0 never equals an order total, so a missing
            # amount can only make a comparison fail, never pass.
            amount_total=int(data.get("amount_total") or 0),
            client_reference_id=data.get("client_reference_id"),
            currency=data.get("currency") or CURRENCY,
            payment_intent=_id_of(data.get("payment_intent")),
        )


class StripeGateway:
    """Creates, reads and expires Checkout Sessions and verifies Stripe webhooks.

    ``api_base`` points the client at another server (the tests' fake Stripe). Requests
    time out after ``timeout`` seconds; connection errors, 409s and 5xx are retried
    ``max_network_retries`` times by the library, which is safe because every POST carries
    an idempotency key.
    """

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str | None,
        api_base: str | None = None,
        *,
        timeout: float = 20.0,
        max_network_retries: int = 2,
    ):
        if not secret_key:
            raise ValueError("a Stripe secret key is required")
        self._webhook_secret = webhook_secret
        self._http = stripe.RequestsClient(timeout=timeout)
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base.rstrip("/")} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=self._http,
        )

    def create_checkout_session(
        self,
        *,
        order_number: str,
        items: list[dict],
        success_url: str,
        cancel_url: str,
        expires_at: datetime,
        customer_email: str | None = None,
        idempotency_key: str,
    ) -> CheckoutSession:
        """Open a Checkout Session paying for one order, one line per order item.

        Each item is ``{name, amount_fen, quantity_kg}``: the line's price is the item's
        whole amount (quantity 1), so Stripe's total is exactly the order's total with no
        per-kg rounding. ``expires_at`` (naive means UTC) is clamped into Stripe's window of
        30 min–24 h from now: a reservation shorter than that ends before its session does,
        so the caller should expire the session when it releases the order.
        Reusing ``idempotency_key`` returns the first session, provided the parameters
        are identical (a clamped ``expires_at`` drifts with the clock, so a retry made
        minutes later may be refused with ``error_type == "idempotency_error"``).
        """
        if not idempotency_key:
            raise ValueError("an idempotency key is required")
        if not items:
            raise ValueError("a checkout session needs at least one item")
        params: dict[str, Any] = {
            "mode": "payment",
            "currency": CURRENCY,
            "payment_method_types": list(PAYMENT_METHOD_TYPES),
            # Stripe refuses wechat_pay in Checkout unless told which client pays.
            "payment_method_options": {"wechat_pay": {"client": "web"}},
            "line_items": [_line_item(item) for item in items],
            "client_reference_id": order_number,
            "metadata": {"order_number": order_number},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": session_expiry(expires_at, datetime.now(timezone.utc)),
        }
        if customer_email:
            params["customer_email"] = customer_email
        with _stripe_errors("create a checkout session"):
            session = self._client.v1.checkout.sessions.create(
                params, {"idempotency_key": idempotency_key}
            )
        return CheckoutSession.from_stripe(session)

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSession:
        """Read a session's current state from Stripe (e.g. to reconcile a missed webhook)."""
        with _stripe_errors("retrieve a checkout session"):
            session = self._client.v1.checkout.sessions.retrieve(_session_id(session_id))
        return CheckoutSession.from_stripe(session)

    def expire_checkout_session(self, session_id: str) -> CheckoutSession:
        """Close an open session so the buyer can no longer pay (order cancelled/expired).

        Stripe refuses to expire a session that is not open; that surfaces as a
        :class:`PaymentGatewayError` and the caller should re-read the session, which may
        have been paid in the meantime.
        """
        with _stripe_errors("expire a checkout session"):
            session = self._client.v1.checkout.sessions.expire(_session_id(session_id))
        return CheckoutSession.from_stripe(session)

    def parse_webhook(self, payload: bytes, signature_header: str | None) -> dict:
        """Verify a webhook like ``stripe.Webhook.construct_event`` and return the event.

        The ``Stripe-Signature`` header must carry a ``v1`` HMAC-SHA256 of
        ``"{t}.{payload}"`` under the webhook secret, with ``t`` no more than 300 s old.
        Returns ``{id, type, data_object}`` as plain data. Raises :class:`InvalidWebhook`
        for anything that fails, and :class:`PaymentGatewayError` when no webhook secret
        is configured (so Stripe keeps retrying until someone fixes the configuration).
        """
        if not self._webhook_secret:
            raise PaymentGatewayError("the Stripe webhook secret is not configured")
        try:
            event = self._client.construct_event(
                payload, signature_header, self._webhook_secret, WEBHOOK_TOLERANCE_SECONDS
            )
            data = event.to_dict()
            event_id, event_type = data["id"], data["type"]
            if not (isinstance(event_id, str) and 0 < len(event_id) <= 255
                    and isinstance(event_type, str) and 0 < len(event_type) <= 64):
                raise TypeError("an event's id and type are short strings")
            return {"id": event_id, "type": event_type, "data_object": data["data"]["object"]}
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"Stripe signature rejected: {exc.user_message}") from exc
        # ValueError: not JSON / not UTF-8; the others: JSON that is not an event object.
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidWebhook("webhook body is not a Stripe event") from exc

    def close(self) -> None:
        """Release the HTTP connection pool of the calling thread."""
        self._http.close()


def session_expiry(expires_at: datetime, now: datetime) -> int:
    """Unix seconds for ``expires_at``, clamped into Stripe's 30 min–24 h window from ``now``."""
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=timezone.utc)
    earliest = now + SESSION_MIN_LIFETIME + _EDGE_MARGIN
    latest = now + SESSION_MAX_LIFETIME - _EDGE_MARGIN
    return int(min(max(expires_at, earliest), latest).timestamp())


def _line_item(item: Mapping[str, Any]) -> dict[str, Any]:
    amount_fen, quantity_kg = item["amount_fen"], item["quantity_kg"]
    for field, value in (("amount_fen", amount_fen), ("quantity_kg", quantity_kg)):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{field} must be a positive integer, got {value!r}")
    return {
        "quantity": 1,
        "price_data": {
            "currency": CURRENCY,
            "unit_amount": amount_fen,
            "product_data": {"name": f"{item['name']} · {quantity_kg:,} kg CO₂e"},
        },
    }


def _id_of(value: Any) -> str | None:
    """An expandable field's id: Stripe sends either the id or the expanded object."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) else None


def _session_id(session_id: str) -> str:
    # An empty id would turn "retrieve" into "list all sessions".
    if not session_id:
        raise ValueError("a checkout session id is required")
    return session_id


@contextmanager
def _stripe_errors(action: str) -> Iterator[None]:
    """Turn the library's exceptions into :class:`PaymentGatewayError`."""
    try:
        yield
    except stripe.APIConnectionError as exc:
        cause = type(exc.__cause__).__name__ if exc.__cause__ else "connection error"
        raise PaymentGatewayError(
            f"could not reach Stripe to {action} ({cause})", retryable=True
        ) from exc
    except stripe.StripeError as exc:
        status = exc.http_status
        raise PaymentGatewayError(
            f"Stripe refused to {action}: {exc.user_message or 'no message'}",
            retryable=status is not None and (status == 429 or status >= 500),
            http_status=status,
            error_type=exc.error.type if exc.error else None,
            code=exc.code,
            param=getattr(exc, "param", None),
            request_id=exc.request_id,
        ) from exc
