"""A signed-in user chooses the language of their pages and e-mail on /account, at phone
width, in both languages; the page stays usable (axe-core, no horizontal scroll)."""

import pytest

from core.db import db
from core.people.users import find_user_by_email
from e2e.conftest import PHONE, assert_page_is_usable, new_page, sign_in
from factories import make_org, make_user

pytestmark = pytest.mark.browser


def test_the_account_page_sets_the_language_of_pages_and_mail(app, live_server, browser):
    email = make_user(make_org("buyer"), "reader@agency.example.cn")
    page = new_page(browser, viewport=PHONE)
    try:
        sign_in(page, live_server, email, target="/account")
        assert page.locator("label[for=locale]").inner_text() == "页面和邮件语言"
        assert_page_is_usable(page)
        page.select_option("#locale", "en")
        page.click("text=保存语言")
        page.wait_for_url(f"{live_server}/account")
        assert "pages and e-mail will be in English" in page.inner_text("main")
        assert page.locator("label[for=locale]").inner_text() == "Language of pages and e-mail"
        assert_page_is_usable(page)
        db.session.expire_all()
        assert find_user_by_email(email).locale == "en"
    finally:
        page.context.close()
