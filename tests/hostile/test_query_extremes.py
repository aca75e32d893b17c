"""Query strings at the ends of their ranges: the first calendar day as a date filter and
a page number past any 64-bit offset answer as ordinary requests, never a 500."""

import pytest

from factories import give, make_lot, make_org, retire


@pytest.fixture
def retired(app, client):
    seller, buyer = make_org("seller"), make_org("buyer")
    lot_id = make_lot(seller, 10_000)
    give(seller, buyer, lot_id, 5_000)
    retire(client, buyer, 1_000)
    return client.get("/api/v1/retirements").json["items"][0]["number"]


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=0001-01-01", "from=0001-01-02",
                                   "from=9999-12-31", "to=9999-12-31",
                                   "from=0001-01-01&to=9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_filter_the_registry(client, retired, query):
    everything = query not in ("to=0001-01-01", "from=9999-12-31")
    api = client.get(f"/api/v1/retirements?{query}")
    assert api.status_code == 200 and api.json["total"] == (1 if everything else 0)
    page = client.get(f"/registry?{query}")
    assert page.status_code == 200
    assert (retired in page.get_data(as_text=True)) == everything
    assert client.get(f"/registry?{query}&format=csv").status_code == 200
    assert client.get(f"/registry?{query}&format=xlsx").status_code == 200


@pytest.mark.parametrize("path", ["/registry/cases", "/registry/events"])
@pytest.mark.parametrize("page", ["99999999999999999999", "1000000", "-1", "x"])
def test_public_lists_take_any_page_number(client, app, path, page):
    response = client.get(f"{path}?page={page}")
    assert response.status_code == 200
    assert "</main>" in response.get_data(as_text=True)


@pytest.mark.parametrize("raw, page", [(None, 1), ("0", 1), ("-5", 1), ("abc", 1), ("7", 7),
                                       ("99999999999999999999", 10**6)])
def test_page_number_is_clamped(app, raw, page):
    from core.paging import page_number

    with app.test_request_context("/" if raw is None else f"/?page={raw}"):
        assert page_number() == page


@pytest.mark.parametrize("lang, message", [("en", "The end must not be before the start."),
                                           ("zh", "结束日期不得早于开始日期。")])
def test_a_range_ending_before_it_starts_is_refused_not_empty(client, retired, lang, message):
    query = f"from=2026-12-01&to=2026-01-01&lang={lang}"
    api = client.get(f"/api/v1/retirements?{query}", headers={"Accept-Language": lang})
    assert api.status_code == 422 and api.json["errors"]["to"] == [message]
    page = client.get(f"/registry?{query}").get_data(as_text=True)
    assert message in page and 'id="date_to-errors"' in page
    # No count or "no retirement matches" pretends the search ran.
    assert 'id="result-count"' not in page and 'id="retirements"' not in page


def test_a_bad_cursor_does_not_claim_the_registry_is_empty(client, retired):
    page = client.get("/registry?after=garbage&lang=en").get_data(as_text=True)
    assert "This page link is not valid." in page
    assert "No retirements yet" not in page and "Retirements in the registry: 0" not in page
    assert retired in client.get("/registry?lang=en").get_data(as_text=True)


def test_the_pages_xlsx_holds_tonnes_as_numbers(client, retired):
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get("/registry?format=xlsx&lang=en").data)).active
    header, row = [list(r) for r in sheet.iter_rows(min_row=1, max_row=2)]
    cell = row[[c.value for c in header].index("Quantity (t)")]
    assert cell.data_type == "n" and Decimal(str(cell.value)) == Decimal("1")
    assert cell.number_format == "0.000"
    csv_text = client.get("/registry?format=csv&lang=en").get_data(as_text=True)
    assert ",1.000," in csv_text


@pytest.mark.parametrize("inside", ["r99999999999999999999999", "r9223372036854775808", "r0"])
def test_a_cursor_holding_an_impossible_id_is_refused_not_a_500(client, retired, inside):
    import base64

    cursor = base64.urlsafe_b64encode(inside.encode()).decode().rstrip("=")
    api = client.get(f"/api/v1/retirements?after={cursor}")
    assert api.status_code == 422 and api.json["errors"]["after"]
    page = client.get(f"/registry?after={cursor}&lang=en")
    assert page.status_code == 422
    assert "This page link is not valid." in page.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["pdf", "CSV", "json"])
def test_an_unknown_download_format_is_named_on_the_page_and_422_in_the_api(client, retired, fmt):
    page = client.get(f"/registry?format={fmt}&lang=en")
    assert page.status_code == 422 and page.mimetype == "text/html"
    assert "A download is CSV or Excel (XLSX)" in page.get_data(as_text=True)
    assert 'id="retirements"' not in page.get_data(as_text=True)
    api = client.get(f"/api/v1/retirements?format={fmt}")
    assert api.status_code == 422 and "format" in api.json["errors"]
