"""Interop's page parts: the template include ``interop/_claim_check.html`` (the
double-claim check of an issuance request or a lot) that market's issuance request page,
the admin's issuance pages and the public lot page render with a ``claim_check`` dict."""

from flask import Blueprint

bp = Blueprint("interop_pages", __name__, template_folder="templates")
