"""/certificates: the signed-in organisation's own certificates, never another's."""

from certificates.revocation import revoke_certificate
from core.db import transaction
from factories import PASSWORD, give, make_lot, make_org, make_user


def retire(holder, kg, beneficiary, purpose="voluntary"):
    return holder_post(holder, {"purpose": purpose, "beneficiary_name": beneficiary,
                                "quantity_kg": kg})


def holder_post(holder, body):
    from flask import current_app

    response = current_app.test_client().post("/api/v1/retirements", headers=holder.headers,
                                              json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_own_certificates_list_number_date_quantity_purpose_status_and_links(client):
    seller = make_org("seller")
    mine, theirs = make_org("buyer", name="吉林银行"), make_org("buyer", name="别家公司")
    lot_id = make_lot(seller, 10_000)
    give(seller, mine, lot_id, 3_000)
    give(seller, theirs, lot_id, 3_000)
    first = retire(mine, 1_234, "长春马拉松组委会")
    second = retire(mine, 500, "吉林银行", purpose="donation")
    other = retire(theirs, 700, "别人的受益方")
    with transaction():
        revoke_certificate(second["certificate_number"], "录入错误")

    assert client.post("/login", data={"email": make_user(mine), "password": PASSWORD}
                       ).status_code == 303
    page = client.get("/certificates")
    assert page.status_code == 200
    text = page.text.replace("\u00a0", " ")
    assert first["certificate_number"] in text and second["certificate_number"] in text
    assert other["certificate_number"] not in text and "别人的受益方" not in text
    assert text.index(second["certificate_number"]) < text.index(first["certificate_number"])
    assert "1.234" in text and "长春马拉松组委会" in text and "自愿注销" in text
    assert "捐赠注销" in text and "已撤销" in text and "有效" in text
    assert f'href="/certificates/{first["certificate_number"]}.pdf"' in text
    assert f'href="/verify/{first["certificate_number"]}"' in text
    english = client.get("/certificates?lang=en").text
    assert "My certificates" in english and "Revoked" in english and "Voluntary retirement" in english


def test_no_certificates_yet_and_signed_out_visitors_go_to_sign_in(client):
    assert client.get("/certificates").status_code == 302
    email = make_user(make_org("buyer"))
    client.post("/login", data={"email": email, "password": PASSWORD})
    assert "暂无证书" in client.get("/certificates").text
