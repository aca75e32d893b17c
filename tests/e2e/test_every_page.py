"""Every page, in Chinese and English, at 1280 and 390 px: no serious or critical axe-core
finding, no horizontal scroll, and no raw code key in the visible text.

Add a page by adding a line to PAGES (its path may name ``{certificate}``, the seeded
retirement's certificate number). Set ``SCREENSHOTS=/some/dir`` to keep a PNG of each.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.db import transaction
from e2e.conftest import DESKTOP, PHONE, assert_page_is_usable, new_page
from factories import PASSWORD, give, make_listing, make_lot, make_org, make_user

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Page:
    path: str
    signed_in: bool = False  # as a buyer holding units, with one retirement made


PAGES = [
    Page("/"),
    Page("/market"),
    Page("/registry"),
    Page("/verify"),
    Page("/verify/{certificate}"),
    Page("/login"),
    Page("/workspace", signed_in=True),
    Page("/account", signed_in=True),
    Page("/holdings", signed_in=True),
    Page("/certificates", signed_in=True),
    Page("/holdings/retirements/{retirement}", signed_in=True),
    Page("/no-such-page"),  # the error page
]

# Codes that must reach a reader only through their labels (DOMAIN.md §8).
RAW_KEYS = re.compile(
    r"\b(organization_operations|event_neutrality|ecological_compensation|pilot_neutrality"
    r"|voluntary|pending_payment|bank_transfer|transport|passed|not_applicable"
    r"|registry_admin|case_authority|unit_state|certificate_status)\b")


def seed() -> dict:
    """A listed lot, and a buyer with units, one retirement and a user to sign in with."""
    seller, buyer = make_org("seller", name="长春地铁集团"), make_org("buyer", name="吉林银行")
    lot_id = make_lot(seller, 20_000)
    make_listing(seller, lot_id, 5_000, 8_000)
    give(seller, buyer, lot_id, 6_000)
    with transaction() as session:
        from core.models import Organization
        from market.retirements import retire_units
        from datetime import date

        retirement = retire_units(session.get(Organization, buyer.id), {
            "purpose": "organization_operations", "beneficiary_name": "吉林银行长春分行",
            "quantity_kg": 1_234, "period_start": date(2026, 1, 1),
            "period_end": date(2026, 12, 31)})
        numbers = {"retirement": retirement.number, "certificate": retirement.certificate_number}
    return {"email": make_user(buyer), **numbers}


def sign_in(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/workspace")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("entry", PAGES, ids=lambda entry: entry.path)
def test_page_is_usable_and_shows_no_code_keys(app, live_server, browser, entry, locale):
    seeded = seed() if entry.signed_in or "{" in entry.path else {}
    path = entry.path.format(**seeded)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(browser, locale=locale, viewport=viewport)
        try:
            if entry.signed_in:
                sign_in(page, live_server, seeded["email"])
            page.goto(live_server + path)
            text = page.inner_text("body")
            assert not RAW_KEYS.findall(text), (path, name, RAW_KEYS.findall(text))
            if os.environ.get("SCREENSHOTS"):
                slug = entry.path.strip("/").replace("/", "_").strip("{}") or "home"
                slug = re.sub(r"[{}]", "", slug)
                directory = Path(os.environ["SCREENSHOTS"])
                directory.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(directory / f"{slug}-{locale}-{name}.png"),
                                full_page=True)
            assert_page_is_usable(page)
        finally:
            page.context.close()
