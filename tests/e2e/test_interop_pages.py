"""The cross-registry view /interop in a browser: Chinese and English, 1280 and 390 px,
no serious axe-core finding, no horizontal scroll."""

import json
from datetime import datetime, timezone

import pytest

from core import clock
from core.db import transaction
from e2e.conftest import DESKTOP, PHONE, assert_page_is_usable, new_page
from factories import make_org, make_peer
from interop.inbound_models import PeerReport
from interop.witness_models import WitnessedCheckpoint

pytestmark = pytest.mark.browser

PEER_DID = "did:web:registry.liaoning.example"


@pytest.fixture
def reported(app):
    admin = make_org("registry_admin", kind="registry")
    moment = datetime(2026, 11, 30, 2, 15, tzinfo=timezone.utc)
    make_peer(admin, did=PEER_DID, pinned_at=moment)
    with transaction() as session:
        session.add(PeerReport(
            peer_did=PEER_DID, event_id="7d0c6f7e-0000-4000-8000-000000000001",
            type="cn.tanhuijilin.units.retired", subject="LN-2026-TR-BUS-00003/1-12500",
            time=moment, ledger_seq=41, quantity_kg=12_500,
            data=json.dumps({"retirement": {"number": "LNR-2026-000017"}}),
            received_at=clock.now()))
        session.add(WitnessedCheckpoint(
            origin="registry.liaoning.example/log", tree_size=42, root_hash=b"\0" * 32,
            note="n", cosignature="c", cosigned_at=moment))


@pytest.mark.parametrize("locale,expected", [("zh-CN", "减排量已注销"), ("en-US", "Units retired")])
def test_interop_page_is_usable_in_both_languages_and_widths(browser, live_server, reported,
                                                            locale, expected):
    for viewport in (DESKTOP, PHONE):
        page = new_page(browser, locale=locale, viewport=viewport)
        try:
            page.goto(f"{live_server}/interop")
            text = page.inner_text("main")
            assert expected in text and "LNR-2026-000017" in text
            assert ("12.500" in text) and ("42" in text)
            assert_page_is_usable(page)
        finally:
            page.context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_webhook_pages_are_usable(browser, live_server, app, locale):
    from e2e.conftest import sign_in
    from factories import make_user

    app.config["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = True
    email = make_user(make_org("buyer"))
    for viewport in (DESKTOP, PHONE):
        page = new_page(browser, locale=locale, viewport=viewport)
        try:
            sign_in(page, live_server, email, target="/webhooks")
            assert_page_is_usable(page)
            page.fill("#url", "https://hooks.example.com/carbon/inbound")
            page.select_option("#types", "cn.tanhuijilin.units.retired")
            page.click("main form button[type=submit]")
            assert page.inner_text("#new-secret code").startswith("whsec_")
            assert_page_is_usable(page)
            page.click("#endpoints a >> nth=0")
            page.wait_for_url(f"{live_server}/webhooks/*")
            assert_page_is_usable(page)
            # Deleting asks for the box to be ticked, then goes back to the list.
            page.click("#delete-endpoint-submit")
            assert page.inner_text("#confirm-errors")
            assert_page_is_usable(page)
            page.check("#confirm")
            page.click("#delete-endpoint-submit")
            page.wait_for_url(f"{live_server}/webhooks")
            assert "hooks.example.com/carbon/inbound" in page.inner_text(".flashes")
            assert page.locator("#endpoints").count() == 0
            assert_page_is_usable(page)
        finally:
            page.context.close()
