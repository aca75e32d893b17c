"""Importing a bank statement CSV on /admin/bank-transfers: each line that matches a
pending order's reference and amount confirms it in its own transaction; the rest are
reported with their line number and reason. UTF-8 with or without BOM and GB18030,
Chinese or English headers; re-importing confirms nothing twice; a bad file is a 422."""

import io

import pytest
import sqlalchemy as sa

from core.db import db
from factories import make_bank_order, make_listing, make_lot, make_org, sign_in_as
from market.models import Order, Payment
from market.payments import statement


@pytest.fixture
def pending(client):
    """Three pending bank-transfer orders (¥300.00, ¥120.00, ¥60.00) and a signed-in admin."""
    seller = make_org("seller", name="长春地铁集团")
    listing = make_listing(seller, make_lot(seller, 50_000), 40_000, 12_000)  # ¥120.00/t
    orders = [make_bank_order(make_org("buyer", name=name), listing, kg) for name, kg in
              (("长春市机关事务管理局", 2_500), ("吉林银行", 1_000), ("吉林省法院", 500))]
    sign_in_as(client, make_org("registry_admin", kind="registry"))
    return orders


def upload(client, content: bytes, name="statement.csv", lang="en"):
    return client.post(f"/admin/bank-transfers/statement?lang={lang}",
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def status_of(number: str) -> str:
    db.session.expire_all()
    return db.session.execute(sa.select(Order.status).where(Order.number == number)).scalar_one()


def test_matching_lines_confirm_and_the_rest_are_reported_with_their_reason(client, pending):
    first, second, third = pending
    csv = (
        "交易日期,金额,附言,付款人\n"
        f"2026-12-01,300.00,{first.bank_reference},长春市机关事务管理局\n"
        f"2026-12-01,119.00,{second.bank_reference},吉林银行\n"
        "2026-12-01,50.00,JL999999999999,不知名公司\n"
        f"2026-12-01,六十元,{third.bank_reference},吉林省法院\n"
        "\n"
        f"2026/12/02,\"1,000.00\",,某公司\n"
    ).encode()
    response = upload(client, csv)
    assert response.status_code == 200
    page = response.text
    assert "1 of 5 lines confirmed an order." in page
    assert status_of(first.number) == "fulfilled"
    assert status_of(second.number) == "pending_payment"
    assert status_of(third.number) == "pending_payment"
    assert 'class="line-confirmed"' in page and f"Order {first.number} is fulfilled." in page
    assert 'class="line-amount_mismatch"' in page and "Amount differs" in page
    assert 'class="line-unknown_reference"' in page
    assert "No order has the reference JL999999999999." in page
    assert 'class="line-malformed"' in page and "六十元" in page
    assert "No reference (附言)." in page
    lines = [row.split("</td>")[0].rsplit(">", 1)[-1]
             for row in page.split('<td data-label="Line">')[1:]]
    assert lines == ["2", "3", "4", "5", "7"]  # file line numbers, the blank line 6 skipped


def test_importing_the_same_statement_again_confirms_nothing_twice(client, pending):
    first, second, _ = pending
    csv = ("date,amount,reference,payer\n"
           f"2026-12-01,300.00,{first.bank_reference.lower()} ,A\n"
           f"2026-12-01,120,{second.bank_reference},B\n").encode()
    assert "2 of 2 lines confirmed an order." in upload(client, csv).text
    again = upload(client, csv).text
    assert "0 of 2 lines confirmed an order." in again
    assert again.count('class="line-already_confirmed"') == 2
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 2


def test_a_bom_and_gb18030_are_read(client, pending):
    first, second, _ = pending
    with_bom = ("\ufeff交易日期,金额,附言,付款人\n"
                f"2026-12-01,300.00,{first.bank_reference},长春市机关事务管理局\n").encode("utf-8")
    assert "1 of 1 lines confirmed an order." in upload(client, with_bom).text
    gb = ("交易日期,交易金额,交易附言,对方户名\r\n"
          f"20261201,120.00,{second.bank_reference},吉林银行股份有限公司\r\n").encode("gb18030")
    page = upload(client, gb).text
    assert "1 of 1 lines confirmed an order." in page and "吉林银行股份有限公司" in page
    assert status_of(second.number) == "fulfilled"


def test_an_order_no_longer_pending_is_reported(client, pending):
    first, *_ = pending
    client.post(f"/admin/orders/{first.number}/release", data={f"r{first.id}-reason": "买方撤销"})
    csv = f"date,amount,reference,payer\n2026-12-01,300.00,{first.bank_reference},A\n".encode()
    page = upload(client, csv).text
    assert 'class="line-wrong_state"' in page and "the transfer must be returned" in page


@pytest.mark.parametrize("content, message", [
    (b"", "The statement is empty."),
    (b"\xff\xfe\x00a\x00b", "neither UTF-8 nor GB18030"),
    ("名称,数量\n甲,1\n".encode(), "Missing columns: amount (金额), reference (附言)."),
    ("金额,附言\n".encode(), "The statement is empty."),
    (b"x" * 2_000, "The statement is larger than"),
])
def test_a_bad_file_is_refused_beside_the_field(client, pending, monkeypatch, content, message):
    monkeypatch.setattr(statement, "MAX_BYTES", 1_024)  # a small upload stays in memory
    response = upload(client, content)
    assert response.status_code in (413, 422)
    assert message in response.text
    assert all(status_of(order.number) == "pending_payment" for order in pending)


def test_a_bad_file_is_refused_in_chinese(client, pending):
    response = upload(client, "名称,数量\n甲,1\n".encode(), lang="zh")
    assert response.status_code == 422
    assert "Missing columns" not in response.text and 'id="file-errors"' in response.text


def test_read_statement_parses_amounts_exactly():
    assert statement.parse_amount("1,234.50") == 123_450
    assert statement.parse_amount("¥0.01") == 1
    for bad in ("-5.00", "1.234", "abc", "0", "1e3"):
        with pytest.raises(ValueError):
            statement.parse_amount(bad)


def test_an_amount_mismatch_is_reported_in_yuan_in_the_readers_language(client, pending):
    first, _, _ = pending
    csv = f"金额,附言\n299.00,{first.bank_reference}\n".encode()
    page = upload(client, csv).text
    assert "Received ¥299.00 but the order totals ¥300.00." in page
    assert " fen" not in page.split('class="line-amount_mismatch"')[1].split("</tr>")[0]
    assert "收到 ¥299.00，但订单合计为 ¥300.00。" in upload(client, csv, lang="zh").text
    assert status_of(first.number) == "pending_payment"


def test_an_absurdly_large_amount_is_an_unreadable_line_not_a_number(client, pending):
    first, _, _ = pending
    csv = f"金额,附言\n99999999999999999999,{first.bank_reference}\n".encode()
    page = upload(client, csv).text
    assert 'class="line-malformed"' in page
    assert "The amount “99999999999999999999” is not an amount in yuan." in page
    assert "99,999,999,999,999,999,999" not in page
    assert statement.parse_amount("100,000,000,000.00") == statement.MAX_AMOUNT_FEN
    with pytest.raises(ValueError):
        statement.parse_amount("100000000000.01")
    assert status_of(first.number) == "pending_payment"
