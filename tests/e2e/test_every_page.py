"""Every page, in Chinese and English, at 1280 and 390 px: no serious or critical axe-core
finding, no horizontal scroll, and no raw code key in the visible text.

Add a page by adding a line to PAGES. Its path may name what ``seed`` made (``{order}``,
``{claim}``, ``{certificate}`` …); ``signed_in`` pages are seen by the seeded buyer,
``shows`` names an element the page must have, ``status`` the HTTP status it answers with.
Each language is one test: the seed is made once, one browser context signs in once, and
every page is seen at both widths; a failure lists every page that failed, by path, language
and width. Set ``SCREENSHOTS=/some/dir`` to keep a PNG of each.
"""

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from core import clock

from e2e.conftest import (DESKTOP, PHONE, horizontal_overflow, new_page,
                          serious_accessibility_findings, sign_in)
from factories import (case_body, give, make_authority, make_event, make_listing,
                       make_lot, make_org, make_user)

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Page:
    path: str
    # True: as the seeded buyer (units, a retirement, an order, a claim); "authority": as
    # the seeded court (its compensation case); "admin": as the registry administrator
    signed_in: bool | str = False
    shows: str | None = None  # a CSS selector the page must match
    status: int = 200


PAGES = [
    Page("/"),
    Page("/market", shows="#sign-in-to-buy"),
    Page("/registry"),
    Page("/verify"),
    Page("/verify/{certificate}"),
    Page("/lots/{lot}", shows="#lot-states"),
    Page("/login"),
    Page("/events/{event}"),
    Page("/cases/{case}"),
    Page("/cases/pay/{payment_token}", shows="#quote"),
    Page("/registry/cases", shows="#public-cases"),
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
    Page("/cases", signed_in="authority", shows="#cases"),
    Page("/cases/new", signed_in="authority", shows="#case-form"),
    Page("/cases/{case}", signed_in="authority", shows="#payment-link"),
    Page("/registry/events", shows="#public-events a[href^='/events/']"),
    Page("/events/{committed_event}", shows="#disclosure"),
    Page("/events", signed_in=True, shows="#events"),
    Page("/events/new", signed_in=True, shows="#event-form"),
    Page("/events/{own_event}", signed_in=True, shows="#commitment-preview"),
    Page("/admin", signed_in="admin", shows="#panel-bank_transfers"),
    Page("/admin/orders", signed_in="admin", shows="#orders details.release"),
    Page("/admin/bank-transfers?q={order}", signed_in="admin", shows="#confirm-form"),
    Page("/admin/issuance", signed_in="admin"),
    Page("/admin/methodologies", signed_in="admin", shows="#methodologies"),
    Page("/admin/audit", signed_in="admin", shows="#run-audit"),
    Page("/admin/certificates?number={certificate}", signed_in="admin",
         shows="#revocation-form"),
    Page("/admin/organizations", signed_in="admin", shows="#organizations"),
    Page("/admin/organizations/{buyer_org}", signed_in="admin", shows="#invite-form"),
    Page("/admin/factor-sets", signed_in="admin", shows="#factors"),
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
    soon = clock.today_in_china() + timedelta(days=30)  # events still to be held
    future = {"start_date": soon, "end_date": soon + timedelta(days=2)}
    sports = make_org("buyer", name="吉林省体育局")
    committed_event = make_event(sports, **future, name="长春国际马拉松")
    own_event = make_event(buyer, **future, name="吉林银行绿色金融论坛")
    for host, event_id in ((sports, committed_event), (buyer, own_event)):
        post(client, host, f"/api/v1/events/{event_id}/footprints", {
            "stage": "estimate", "inputs": {"electricity_kwh": 10_000, "meals": 300}})
    committed = client.post(f"/api/v1/events/{committed_event}/commitment",
                            headers=sports.headers)
    assert committed.status_code == 200, committed.json
    court = make_authority()
    case = post(client, court, "/api/v1/compensation-cases",
                case_body(obligor={"name": "谢某某"}, required_kg=800))
    return {"email": make_user(buyer), "retirement": retirement["number"],
            "lot": client.get(f"/api/v1/lots/{lot_id}").json["code"],
            "certificate": retirement["certificate_number"], "order": order["number"],
            "claim": claim["id"], "event": make_event(make_org("buyer", name="长春国际会展中心")),
            "case": case["id"], "payment_token": case["payment_link"].rsplit("/", 1)[1],
            "authority_email": make_user(court),
            "committed_event": committed_event, "own_event": own_event,
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
    for signed_in in (False, True, "authority", "admin"):
        page = new_page(browser, locale=locale)
        try:
            if signed_in:
                sign_in(page, live_server, seeded[
                    {"authority": "authority_email", "admin": "admin_email"}.get(signed_in, "email")])
            for entry in PAGES:
                if entry.signed_in == signed_in:
                    path = entry.path.format(**seeded)
                    problems += problems_of(page, live_server, entry, path, locale)
        finally:
            page.context.close()
    assert not problems, "\n".join(problems)
