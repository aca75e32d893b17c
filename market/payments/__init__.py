"""Payments: bank transfer (对公转账) confirmed by the registry admin, and Stripe Checkout.

Without ``STRIPE_SECRET_KEY`` the registry runs in bank-transfer-only mode.
"""

import stripe as stripe_library
from flask import current_app

from market.payments.stripe import StripeGateway


def init_app(app) -> None:
    # The library would otherwise write a telemetry id under ~/.config on first use.
    stripe_library.enable_telemetry = False
    if app.config.get("STRIPE_SECRET_KEY"):
        app.extensions["stripe_gateway"] = StripeGateway(
            app.config["STRIPE_SECRET_KEY"], app.config.get("STRIPE_WEBHOOK_SECRET"),
            app.config.get("STRIPE_API_BASE"))


def gateway() -> StripeGateway | None:
    """The Stripe gateway, or None in bank-transfer-only mode."""
    return current_app.extensions.get("stripe_gateway")


def available_methods() -> list[str]:
    return ["bank_transfer", "stripe"] if gateway() else ["bank_transfer"]
