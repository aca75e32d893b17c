"""The registry admin meets the double-claim gate on the issuance request page, in Chinese
on a phone and in English on a desktop: the conflict is shown, the lot is issued with an
override reason, and the record stays on the page."""

import pytest

from e2e.conftest import PHONE, assert_page_is_usable, new_page, sign_in
from factories import make_org, make_user
from interop_scopes import issue, make_operator, verified_request

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale, viewport, texts", [
    ("zh-CN", PHONE, ("重复申领核查", "发现冲突", "登记管理员已在冲突下放行")),
    ("en-US", None, ("Double-claim check", "Conflict found",
                     "Conflict overridden by the registry administrator")),
])
def test_admin_overrides_a_double_claim_on_the_request_page(client, live_server, browser,
                                                            locale, viewport, texts):
    admin = make_org("registry_admin", kind="registry", name="吉林省碳普惠登记中心")
    verifier = make_org("verifier", kind="verifier")
    seller = make_operator()
    issued = issue(client, admin, verified_request(client, seller, verifier, root="cd" * 32))
    assert issued.status_code == 201
    request_id = verified_request(client, seller, verifier, regions=["220100"], root="cd" * 32)
    heading, conflict, overridden = texts

    kwargs = {"viewport": viewport} if viewport else {}
    page = new_page(browser, locale=locale, **kwargs)
    try:
        sign_in(page, live_server, make_user(admin), f"/issuance-requests/{request_id}")
        assert heading in page.inner_text("#claim-check")
        assert conflict in page.inner_text("#claim-check-outcome")
        assert issued.json["code"] in page.inner_text("#claim-conflicts")
        assert_page_is_usable(page)
        page.fill("textarea[name=override_reason]", "经核对为不同线路的乘客记录")
        page.click("#issue-submit")
        page.wait_for_selector("#claim-check-override")
        assert overridden in page.inner_text("#claim-check-outcome")
        assert "经核对为不同线路的乘客记录" in page.inner_text("#claim-check-override")
        assert_page_is_usable(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("locale, viewport, heading", [
    ("zh-CN", PHONE, "互认登记簿"), ("en-US", None, "Peer registries")])
def test_admin_peer_page_is_usable(live_server, browser, locale, viewport, heading):
    admin = make_org("registry_admin", kind="registry", name="吉林省碳普惠登记中心")
    kwargs = {"viewport": viewport} if viewport else {}
    page = new_page(browser, locale=locale, **kwargs)
    try:
        sign_in(page, live_server, make_user(admin), "/admin/peers")
        assert heading in page.inner_text("h1")
        assert "did:web:" in page.inner_text("#own")
        assert_page_is_usable(page)
        page.fill("input[name=api_base]", "http://127.0.0.1:9/api/v1")
        page.click("#pin-submit")
        page.wait_for_selector(".field-errors")
        assert_page_is_usable(page)
    finally:
        page.context.close()
