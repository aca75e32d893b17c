"""/admin/peers with the peers' change feeds, and the /admin dashboard's interop panel, in
a browser: Chinese and English, 1280 and 390 px, no serious axe-core finding, no
horizontal scroll; a bad subscription is answered beside the field; unsubscribe works, and
a peer that cannot delete its endpoint is answered beside the token."""

import json
from datetime import datetime, timezone

import pytest

from core import clock
from core.db import transaction
from e2e.conftest import DESKTOP, PHONE, assert_page_is_usable, new_page, sign_in
from factories import make_org, make_peer, make_user
from interop import inbound
from interop.inbound_models import PeerReport
from interop.models import Peer

pytestmark = pytest.mark.browser

PEER_DID = "did:web:registry.liaoning.example"


@pytest.fixture
def admin_email(app):
    admin = make_org("registry_admin", kind="registry")
    moment = datetime(2026, 11, 30, 2, 15, tzinfo=timezone.utc)
    peer_id = make_peer(admin, did=PEER_DID, pinned_at=moment)
    with transaction() as session:
        peer = session.get(Peer, peer_id)
        inbound.store_subscription(peer, "k" * 43, {"id": 7, "secret": "whsec_x"},
                                   [inbound.RETIRED, "cn.tanhuijilin.certificate.revoked"])
        session.add(PeerReport(
            peer_did=PEER_DID, event_id="7d0c6f7e-0000-4000-8000-000000000001",
            type=inbound.RETIRED, subject="LN-2026-TR-BUS-00003/1-12500",
            time=moment, ledger_seq=41, quantity_kg=12_500, data=json.dumps({}),
            received_at=clock.now()))
    return make_user(admin)


@pytest.mark.parametrize("locale,retired,required", [
    ("zh-CN", "减排量已注销", "此项必填。"), ("en-US", "Units retired", "This field is required.")])
def test_peer_feeds_and_dashboard_are_usable(browser, live_server, admin_email, locale,
                                             retired, required):
    for viewport in (DESKTOP, PHONE):
        page = new_page(browser, locale=locale, viewport=viewport)
        try:
            sign_in(page, live_server, admin_email, target="/admin/peers")
            feeds = page.inner_text("#feeds")
            assert retired in feeds and "LN-2026-TR-BUS-00003/1-12500" in feeds
            assert "12.500" in feeds
            assert_page_is_usable(page)
            # No token: the error stands beside the field, in the reader's language.
            page.click("#feeds form[id^=subscribe-] button[type=submit]")
            assert required in page.inner_text("#feeds form[id^=subscribe-] .field-errors")
            assert_page_is_usable(page)

            page.goto(f"{live_server}/admin")
            panel = page.inner_text("#panel-interop")
            assert ("1" in panel) and ("互认登记簿" in panel or "Peer registries" in panel)
            assert_page_is_usable(page)
        finally:
            page.context.close()


def test_unsubscribe_in_the_browser(browser, live_server, admin_email):
    page = new_page(browser, locale="en-US", viewport=PHONE)
    try:
        sign_in(page, live_server, admin_email, target="/admin/peers")
        assert "stops after its retries" in page.inner_text("#feeds form[id^=unsubscribe-form-]")
        # With a token the peer is asked first; this one cannot be reached: kept, and said so.
        page.fill("#feeds form[id^=unsubscribe-form-] input[type=password]", "a-token")
        page.click("#feeds button[id^=unsubscribe-]")
        assert "The peer did not delete its endpoint; the subscription is kept." in \
            page.inner_text("#feeds form[id^=unsubscribe-form-] .field-errors")
        assert_page_is_usable(page)
        page.fill("#feeds form[id^=unsubscribe-form-] input[type=password]", "")
        page.click("#feeds button[id^=unsubscribe-]")
        assert "The subscription is cancelled here; the peer stops sending after its retries." \
            in page.inner_text("main")
        assert "Not subscribed to this peer's feed." in page.inner_text("#feeds")
        assert_page_is_usable(page)
    finally:
        page.context.close()


def test_unsubscribe_form_in_chinese(browser, live_server, admin_email):
    page = new_page(browser, locale="zh-CN", viewport=DESKTOP)
    try:
        sign_in(page, live_server, admin_email, target="/admin/peers")
        form = page.inner_text("#feeds form[id^=unsubscribe-form-]")
        assert "对方登记簿签发的 API 令牌（可选）" in form and "重试用尽后停止" in form
        assert_page_is_usable(page)
    finally:
        page.context.close()
