"""以碳代偿 in Debian's Chromium, in Chinese: a court clerk opens a case for a person on
/cases/new, the case page shows the payment link; the obligor, signed out in a browser of
their own, pays through the link by transfer (转账, not 对公转账); the registry admin
confirms the transfer through the use case; the clerk sees the case fulfilled and opens
the compensation certificate."""

from datetime import date

import pytest

from cases.models import CompensationCase
from core.db import db, transaction
from core.models import Organization
from e2e.conftest import PHONE, assert_page_is_usable, new_page, sign_in
from factories import make_authority, make_listing, make_lot, make_org, make_user, on_china_date
from market.models import Order
from market.payments.bank import confirm_bank_transfer

pytestmark = pytest.mark.browser


def test_a_clerk_opens_a_case_the_person_pays_by_transfer_and_the_case_is_certified(
        app, client, live_server, browser):
    on_china_date(date(2026, 12, 1))
    seller = make_org("seller", name="长春地铁集团")
    make_listing(seller, make_lot(seller, 100_000), 50_000, 80_00)
    court = make_authority(name="长春市中级人民法院")
    admin = make_org("registry_admin", kind="registry")
    clerk = new_page(browser, locale="zh-CN")
    obligor = new_page(browser, locale="zh-CN", viewport=PHONE)
    try:
        sign_in(clerk, live_server, make_user(court))
        clerk.click(".workspace-entries a[href='/cases']")
        clerk.wait_for_selector("#new-case")
        assert_page_is_usable(clerk)
        clerk.click("#new-case")
        clerk.wait_for_selector("#case-form")
        assert_page_is_usable(clerk)
        clerk.fill("#case_number", "(2026)吉01刑初88号")
        clerk.fill("#judgment_date", "2026-11-20")
        clerk.check("input[name=obligor_kind][value=person]")
        clerk.fill("#obligor_name", "李四光")
        clerk.fill("#id_number", "11010519491231002X")
        clerk.fill("#damage_description", "滥伐林木 5.2 立方米")
        clerk.fill("#measured_loss_t", "6.5")
        clerk.fill("#measuring_agency", "吉林省林业调查规划院")
        clerk.fill("#report_number", "吉林调评〔2026〕88号")
        clerk.fill("#multiplier", "2")
        clerk.fill("#required_t", "13")
        clerk.fill("#due_date", "2027-02-28")
        clerk.click("#case-form button[type=submit]")
        clerk.wait_for_selector("#payment-link")
        assert "李四光" in clerk.inner_text("#obligor")
        assert "履行中" in clerk.inner_text("#case-status")
        assert_page_is_usable(clerk)
        link = clerk.input_value("#payment-link")
        assert link.startswith(app.config["BASE_URL"] + "/cases/pay/")
        case_id = int(clerk.url.rsplit("/", 1)[1])

        obligor.goto(live_server + link.removeprefix(app.config["BASE_URL"]))
        obligor.wait_for_selector("#quote")
        assert "李某" in obligor.inner_text("#obligor")
        assert "李四光" not in obligor.inner_text("main")
        assert "对公转账" not in obligor.inner_text("main")
        assert "转账" in obligor.inner_text("#pay-bank-transfer")
        assert_page_is_usable(obligor)
        obligor.click("#pay-bank-transfer")
        obligor.wait_for_selector("#bank-reference")
        assert "请按以下信息转账" in obligor.inner_text("h1")
        assert "对公转账" not in obligor.inner_text("main")
        assert_page_is_usable(obligor)
        reference = obligor.inner_text("#bank-reference").strip()

        with transaction():
            order = db.session.query(Order).filter_by(bank_reference=reference).one()
            confirm_bank_transfer(db.session.get(Organization, admin.id), order.id,
                                  reference=reference, amount_fen=order.total_fen)
        assert db.session.get(CompensationCase, case_id).status == "fulfilled"

        clerk.reload()
        clerk.wait_for_selector("#case-certificate")
        assert "已履行" in clerk.inner_text("#case-status")
        assert clerk.locator("#payment-link").count() == 0
        assert_page_is_usable(clerk)
        clerk.click("#case-certificate a[href^='/verify/']")
        clerk.wait_for_selector("main h1")
        certificate = clerk.inner_text("main")
        assert "以碳代偿履行证明" in certificate and "2026年11月20日" in certificate
        assert "李某" in certificate and "李四光" not in certificate
        assert_page_is_usable(clerk)
    finally:
        clerk.context.close()
        obligor.context.close()
