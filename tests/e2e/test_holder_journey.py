"""A holder's journey in Debian's Chromium, in Chinese and in English: sign in, retire
1.234 t from holdings for a beneficiary, see the confirmation, find the certificate in
/certificates and download its PDF, then transfer units to another organisation."""

import pytest

from e2e.conftest import assert_page_is_usable, new_page, sign_in
from factories import give, make_lot, make_org, make_user

pytestmark = pytest.mark.browser

WORDS = {
    "zh-CN": {"retire": "注销", "transfer": "转让", "retired": "1.234 吨", "voluntary": "自愿注销",
              "valid": "有效", "moved": "0.500 吨"},
    "en-US": {"retire": "Retire", "transfer": "Transfer", "retired": "1.234 t",
              "voluntary": "Voluntary retirement", "valid": "Valid", "moved": "0.500 t"},
}


def visible(page, selector="main") -> str:
    return page.inner_text(selector).replace("\u00a0", " ")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_holder_retires_finds_the_certificate_and_transfers(app, live_server, browser, locale):
    words = WORDS[locale]
    seller = make_org("seller")
    holder = make_org("buyer", name="长春市机关事务管理局")
    recipient = make_org("buyer", name="吉林省青少年发展基金会")
    lot_id = make_lot(seller, 10_000)
    give(seller, holder, lot_id, 5_000)
    email = make_user(holder)

    page = new_page(browser, locale=locale)
    try:
        sign_in(page, live_server, email, "/holdings")
        assert "JL-2026-TR-METRO" in visible(page, "#holdings")
        assert_page_is_usable(page)

        page.select_option("#retire select[name=purpose]", "voluntary")
        page.fill("#retire input[name=beneficiary_name]", "第十届东北亚博览会")
        page.fill("#retire input[name=quantity]", "1.234")
        page.click("#retire-submit")
        page.wait_for_selector("#retirement")
        confirmation = visible(page)
        assert words["retired"] in confirmation and "第十届东北亚博览会" in confirmation
        assert "JL-2026-TR-METRO-00001-000000001-000001234" in visible(page, "#serials")
        certificate = page.inner_text("#certificate-number")
        assert certificate.startswith("JLC-")
        assert_page_is_usable(page)

        page.goto(f"{live_server}/certificates")
        row = visible(page, "#certificates")
        assert certificate in row and words["voluntary"] in row and words["valid"] in row
        pdf_href = page.get_attribute(f"a[href$='{certificate}.pdf']", "href")
        # Through the live server's thread (pyHanko signs with asyncio; Playwright's sync
        # API keeps an event loop in this one).
        pdf = page.request.get(live_server + pdf_href, timeout=30_000)
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")

        page.goto(f"{live_server}/holdings")
        page.fill("#transfer input[name=recipient]", str(recipient.id))
        page.select_option("#transfer select[name=lot_id]", str(lot_id))
        page.fill("#transfer input[name=quantity]", "0.5")
        page.click("#transfer-submit")
        page.wait_for_selector(".flashes")
        notice = visible(page, ".flashes")
        assert "JLT-" in notice and words["moved"] in notice and "吉林省青少年发展基金会" in notice
        assert_page_is_usable(page)
    finally:
        page.context.close()
