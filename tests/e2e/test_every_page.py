"""Every page, in Chinese and English, at 1280 and 390 px: no serious or critical axe-core
finding, no horizontal scroll, and no raw code key in the visible text.

Add a page by adding a line to PAGES. Its path may name what ``seed`` made (``{order}``,
``{claim}``, ``{certificate}`` …); ``signed_in`` pages are seen by the seeded buyer,
``as_admin`` pages by the registry administrator,
``shows`` names an element the page must have, ``status`` the HTTP status it answers with.
Each language is one test: the seed is made once, one browser context signs in once, and
every page is seen at both widths; a failure lists every page that failed, by path, language
and width. Set ``SCREENSHOTS=/some/dir`` to keep a PNG of each.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2e.conftest import (DESKTOP, PHONE, horizontal_overflow, new_page,
                          serious_accessibility_findings, sign_in)
from factories import (case_body, give, make_authority, make_event, make_listing,
                       make_lot, make_org, make_user)

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Page:
    path: str
    signed_in: bool = False  # as the seeded buyer: units, a retirement, an order, a claim
    as_admin: bool = False  # as the registry administrator (the /admin pages)
    shows: str | None = None  # a CSS selector the page must match
    status: int = 200


PAGES = [
    Page("/"),
    Page("/market", shows="#sign-in-to-buy"),
    Page("/registry"),
    Page("/verify"),
    Page("/verify/{certificate}"),
    Page("/login"),
    Page("/events/{event}"),
    Page("/cases/{case}"),
    Page("/cases/pay/{payment_token}", shows="#quote"),
    Page("/no-such-page", status=404),  # the error page
    Page("/workspace", signed_in=True),
    Page("/account", signed_in=True),
    Page("/market", signed_in=True, shows="#buy-form"),
    Page("/orders", signed_in=True),
    Page("/orders/{order}", signed_in=True, shows="#payment-notice"),
    Page("/holdings", signed_in=True),
    Page("/holdings/retirements/{retirement}", signed_in=True),
    Page("/certificates", signed_in=True),
    Page("/claims", signed_in=True),
    Page("/claims/new", signed_in=True),
    Page("/claims/{claim}", signed_in=True, shows="#coverage"),
    Page("/admin", as_admin=True, shows="#panel-bank_transfers"),
    Page("/admin/orders", as_admin=True, shows="#orders details.release"),
    Page("/admin/bank-transfers?q={order}", as_admin=True, shows="#confirm-form"),
    Page("/admin/issuance", as_admin=True),
    Page("/admin/methodologies", as_admin=True, shows="#methodologies"),
    Page("/admin/audit", as_admin=True, shows="#run-audit"),
    Page("/admin/certificates?number={certificate}", as_admin=True, shows="#revocation-form"),
    Page("/admin/organizations", as_admin=True, shows="#organizations"),
    Page("/admin/organizations/{buyer_org}", as_admin=True, shows="#invite-form"),
    Page("/admin/factor-sets", as_admin=True, shows="#factors"),
]

WIDTHS = (("desktop", DESKTOP), ("phone", PHONE))

# Codes that must reach a reader only through their labels (DOMAIN.md §8).
RAW_KEYS = re.compile(
    r"\b(organization_operations|event_neutrality|ecological_compensation|pilot_neutrality"
    r"|voluntary|pending_payment|bank_transfer|transport|passed|not_applicable"
    r"|registry_admin|case_authority|unit_state|certificate_status)\b")


def seed(client) -> dict:
    """A listed lot; a buyer with units, a retirement, a pending bank-transfer order and a
    claim, and a user to sign in with; an event; a compensation case with its pay link."""
    seller, buyer = make_org("seller", name="长春地铁集团"), make_org("buyer", name="吉林银行")
    lot_id = make_lot(seller, 20_000)
    listing_id = make_listing(seller, lot_id, 5_000, 8_000)
    give(seller, buyer, lot_id, 6_000)
    retirement = post(client, buyer, "/api/v1/retirements", {
        "purpose": "organization_operations", "beneficiary_name": "吉林银行长春分行",
        "quantity_kg": 1_234, "period_start": "2026-01-01", "period_end": "2026-12-31"})
    order = post(client, buyer, "/api/v1/orders", {
        "items": [{"listing_id": listing_id, "quantity_kg": 1_500}],
        "payment_method": "bank_transfer"})
    claim = post(client, buyer, "/api/v1/claims", {
        "subject": "organization", "name": "吉林银行 2026 年办公运营",
        "period_start": "2026-01-01", "period_end": "2026-12-31", "footprint_kg": 5_000})
    court = make_authority()
    case = post(client, court, "/api/v1/compensation-cases",
                case_body(obligor={"name": "谢某某"}, required_kg=800))
    return {"email": make_user(buyer), "retirement": retirement["number"],
            "certificate": retirement["certificate_number"], "order": order["number"],
            "claim": claim["id"], "event": make_event(make_org("buyer", name="长春国际会展中心")),
            "case": case["id"], "payment_token": case["payment_link"].rsplit("/", 1)[1],
            "admin_email": make_user(make_org("registry_admin", kind="registry",
                                              name="吉林省生态环境厅")),
            "buyer_org": buyer.id}


def post(client, actor, url, body) -> dict:
    response = client.post(url, headers=actor.headers, json=body)
    assert response.status_code == 201, (url, response.json)
    return response.json


def problems_of(page, live_server, entry: Page, path: str, locale: str) -> list[str]:
    """What is wrong with ``path`` at each width, as lines naming the page."""
    problems = []
    for name, viewport in WIDTHS:
        where = f"{entry.path} ({path}) [{locale}, {name}]"
        page.set_viewport_size(viewport)
        response = page.goto(live_server + path)
        if response.status != entry.status:
            problems.append(f"{where}: HTTP {response.status}, expected {entry.status}")
        if entry.shows and page.locator(entry.shows).count() == 0:
            problems.append(f"{where}: no {entry.shows}")
        if raw := RAW_KEYS.findall(page.inner_text("body")):
            problems.append(f"{where}: raw code keys {sorted(set(raw))}")
        if os.environ.get("SCREENSHOTS"):
            slug = re.sub(r"[{}]", "", entry.path.strip("/").replace("/", "_")) or "home"
            directory = Path(os.environ["SCREENSHOTS"])
            directory.mkdir(parents=True, exist_ok=True)
            signed = "-signed-in" if entry.signed_in else ""
            page.screenshot(path=str(directory / f"{slug}{signed}-{locale}-{name}.png"),
                            full_page=True)
        problems += [f"{where}: axe {finding}" for finding in serious_accessibility_findings(page)]
        if (overflow := horizontal_overflow(page)) > 0:
            problems.append(f"{where}: {overflow} px wider than the screen")
    return problems


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_page_is_usable_and_shows_no_code_keys(app, client, live_server, browser, locale):
    seeded = seed(client)
    problems = []
    for who in ("visitor", "buyer", "admin"):
        page = new_page(browser, locale=locale)
        try:
            if who != "visitor":
                sign_in(page, live_server, seeded["admin_email" if who == "admin" else "email"])
            for entry in PAGES:
                if (entry.as_admin, entry.signed_in) == (who == "admin", who == "buyer"):
                    path = entry.path.format(**seeded)
                    problems += problems_of(page, live_server, entry, path, locale)
        finally:
            page.context.close()
    assert not problems, "\n".join(problems)
