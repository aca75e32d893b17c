"""A refused registry search on a phone: the error sits beside "Retired until" in the
reader's language, no empty result pretends the search ran, and the page stays usable."""

import pytest

from e2e.conftest import PHONE, assert_page_is_usable, new_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale, message", [("zh-CN", "结束日期不得早于开始日期。"),
                                             ("en-US", "The end must not be before the start.")])
def test_a_backwards_date_range_is_refused_beside_the_field(browser, live_server, app, locale,
                                                             message):
    page = new_page(browser, locale=locale, viewport=PHONE)
    page.goto(f"{live_server}/registry?from=2026-12-01&to=2026-01-01")
    assert page.locator("#date_to-errors").inner_text().strip() == message
    assert page.locator("#result-count").count() == 0
    assert_page_is_usable(page)
    page.context.close()
