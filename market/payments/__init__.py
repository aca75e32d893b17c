"""Payments: bank transfer (对公转账) confirmed by the registry admin, and Stripe Checkout.

Without ``STRIPE_SECRET_KEY`` the registry runs in bank-transfer-only mode.
"""

import stripe as stripe_library
from flask import current_app
from flask_babel import gettext as _

from core.errors import Conflict
from market.payments import notice
from market.payments.stripe import StripeGateway


class StripeNotConfigured(Conflict):
    code = "stripe_not_configured"


def init_app(app) -> None:
    notice.init_app(app)  # the payment notice, attached to e-mail
    # The library would otherwise write a telemetry id under ~/.config on first use.
    stripe_library.enable_telemetry = False
    if app.config.get("STRIPE_SECRET_KEY"):
        app.extensions["stripe_gateway"] = StripeGateway(
            app.config["STRIPE_SECRET_KEY"], app.config.get("STRIPE_WEBHOOK_SECRET"),
            app.config.get("STRIPE_API_BASE"))


def gateway() -> StripeGateway | None:
    """The Stripe gateway, or None in bank-transfer-only mode."""
    return current_app.extensions.get("stripe_gateway")


def require_method(payment_method: str) -> None:
    """Refuse card payment up front in bank-transfer-only mode (409)."""
    if payment_method == "stripe" and gateway() is None:
        raise StripeNotConfigured(_("Card, Alipay and WeChat Pay are not configured on this "
                                    "registry; pay by bank transfer (bank_transfer)."))


def available_methods() -> list[str]:
    return ["bank_transfer", "stripe"] if gateway() else ["bank_transfer"]
