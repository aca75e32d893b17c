"""The case authority's pages on a 390 px phone, in English, with input a newcomer gets
wrong: an absurd due date comes back beside its field, the page stays usable (axe-core,
no horizontal overflow), and the case file's PDF reads as one block on its card (the file
name used to break after every letter)."""

from datetime import date

import pytest

from cases import documents
from cases.cases import open_case
from core.db import db, transaction
from core.models import Organization
from e2e.conftest import PHONE, assert_page_is_usable, new_page, sign_in
from factories import MINIMAL_PDF, make_authority, make_user, on_china_date

pytestmark = pytest.mark.browser

PDF = MINIMAL_PDF


def test_a_clerk_on_a_phone_sees_refusals_beside_the_field_and_a_readable_case_file(
        app, client, live_server, browser):
    on_china_date(date(2026, 12, 1))
    court = make_authority(name="长春市中级人民法院")
    with transaction():
        case, _link = open_case(
            db.session.get(Organization, court.id), case_number="(2026)吉01刑初9号",
            authority_name="长春市中级人民法院", judgment_date=date(2026, 11, 2),
            obligor={"name": "李四光", "id_number": None},
            damage={"description": "滥伐林木", "measured_loss_kg": 6_500,
                    "measuring_agency": "吉林省林业调查规划院", "report_number": "R-9",
                    "multiplier": "2"},
            required_kg=13_000, due_date=date(2027, 2, 28))
        documents.add_document(db.session.get(Organization, court.id), case.id,
                               kind="court_notice", title="告知函", reference="(2026)吉01刑初9号",
                               filename="loss-assessment-opinion.pdf", data=PDF)
        case_id = case.id
    clerk = new_page(browser, locale="en-GB", viewport=PHONE)
    try:
        sign_in(clerk, live_server, make_user(court), target="/cases/new")
        clerk.fill("#case_number", "(2026)吉01刑初10号")
        clerk.fill("#judgment_date", "2026-11-20")
        clerk.fill("#obligor_name", "李四光")
        clerk.fill("#damage_description", "滥伐林木 5.2 立方米")
        clerk.fill("#measured_loss_t", "6.5")
        clerk.fill("#measuring_agency", "吉林省林业调查规划院")
        clerk.fill("#report_number", "   ")
        clerk.fill("#multiplier", "2")
        clerk.fill("#required_t", "13")
        clerk.fill("#due_date", "9999-12-31")
        clerk.click("#case-form button[type=submit]")
        clerk.wait_for_selector("#report_number-errors")
        assert "This field is required" in clerk.inner_text("#report_number-errors")
        clerk.fill("#report_number", "R-10")
        clerk.click("#case-form button[type=submit]")
        clerk.wait_for_selector("#due_date-errors")
        assert "between 2000 and 2100" in clerk.inner_text("#due_date-errors")
        assert_page_is_usable(clerk)

        clerk.goto(f"{live_server}/cases/{case_id}")
        name = clerk.locator("td.file-cell a")
        name.wait_for()
        box = name.bounding_box()
        assert box["width"] > 120, box  # not one letter a line
        assert_page_is_usable(clerk)
    finally:
        clerk.context.close()
