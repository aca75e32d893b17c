"""Issuance requests, evidence files, the verifier's queue and a seller's listings: the
API list by role, evidence by magic bytes, size limit, SHA-256 and download rights, and the
pages that call the same use cases."""

import hashlib
import io
import zipfile

import sqlalchemy as sa

from core.db import db
from factories import MINIMAL_PDF, PASSWORD, make_lot, make_methodology, make_org, make_user
from market.models import IssuanceRequest, Listing, Lot

PDF = MINIMAL_PDF


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def submit(client, seller, kg=10_000):
    body = {"methodology_code": "TR-METRO", "vintage": 2026, "period_start": "2026-01-01",
            "period_end": "2026-06-30", "quantity_kg": kg, "evidence": {}}
    response = client.post("/api/v1/issuance-requests", json=body, headers=seller.headers)
    assert response.status_code == 201
    return response.json["id"]


def upload(client, actor, request_id, data, name="meter.pdf"):
    return client.post(f"/api/v1/issuance-requests/{request_id}/evidence",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=actor.headers)


def sign_in(client, actor):
    response = client.post("/login", data={"email": make_user(actor), "password": PASSWORD})
    assert response.status_code == 303


def test_the_list_shows_each_role_what_it_may_see(client):
    make_methodology()
    seller, other = make_org("seller"), make_org("seller")
    verifier, admin = make_org("verifier"), make_org("registry_admin")
    mine, theirs = submit(client, seller), submit(client, other)
    client.post(f"/api/v1/issuance-requests/{theirs}/verification", headers=verifier.headers,
                json={"decision": "rejected", "report_ref": "R-9"})
    decided_by_another = submit(client, other)
    client.post(f"/api/v1/issuance-requests/{decided_by_another}/verification",
                headers=make_org("verifier").headers,
                json={"decision": "approved", "verified_kg": 5, "report_ref": "R-10"})

    def ids(actor, query=""):
        body = client.get(f"/api/v1/issuance-requests{query}", headers=actor.headers).json
        assert body["total"] == len(body["items"]) and body["page"] == 1
        return {item["id"] for item in body["items"]}

    assert ids(seller) == {mine}
    assert ids(verifier) == {mine, theirs}  # waiting ones and its own decision
    assert ids(verifier, "?status=submitted") == {mine}
    assert ids(admin) == {mine, theirs, decided_by_another}
    assert ids(admin, "?status=verified") == {decided_by_another}
    assert client.get("/api/v1/issuance-requests?status=nonsense",
                      headers=admin.headers).status_code == 422
    assert client.get("/api/v1/issuance-requests",
                      headers=make_org("buyer").headers).status_code == 403


def test_evidence_is_read_by_its_bytes_hashed_and_downloadable_by_the_right_people(client):
    make_methodology()
    seller, verifier, admin = make_org("seller"), make_org("verifier"), make_org("registry_admin")
    request_id = submit(client, seller)

    response = upload(client, seller, request_id, PDF, name="监测报告.pdf")
    assert response.status_code == 201
    body = response.json
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size"] == len(PDF)
    assert body["filename"] == "监测报告.pdf"
    assert upload(client, seller, request_id, xlsx_bytes(), "data.xlsx").status_code == 201
    assert upload(client, seller, request_id, "日期,乘次\n2026-01-01,1200\n".encode(),
                  "rides.csv").status_code == 201

    # A name is not a kind: an executable called .pdf, a ZIP that is no workbook, binary "CSV",
    # a PDF's header on anything, a PDF cut short.
    for data, name in ((b"MZ\x90\x00\x03", "report.pdf"), (b"PK\x03\x04junk", "data.xlsx"),
                       (b"a,b\x00\x01\n", "x.csv"), (b"%PDF-1.7\n1 0 obj\n<<>>\n", "r.pdf"),
                       (PDF[:-40], "cut.pdf")):
        refused = upload(client, seller, request_id, data, name)
        assert refused.status_code == 422 and "file" in refused.json["errors"]

    url = f"/api/v1/issuance-requests/{request_id}/evidence/{body['id']}"
    for actor in (seller, verifier, admin):
        download = client.get(url, headers=actor.headers)
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(url, headers=make_org("seller").headers).status_code == 404
    assert client.get(url, headers=make_org("buyer").headers).status_code == 403
    assert upload(client, verifier, request_id, PDF).status_code == 403
    assert upload(client, make_org("seller"), request_id, PDF).status_code == 404
    listed = client.get(f"/api/v1/issuance-requests/{request_id}/evidence", headers=verifier.headers)
    assert [item["filename"] for item in listed.json] == ["监测报告.pdf", "data.xlsx", "rides.csv"]


def test_evidence_beyond_the_setting_is_413(app, client):
    make_methodology()
    seller = make_org("seller")
    request_id = submit(client, seller)
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    response = upload(client, seller, request_id, PDF + b"0" * 1024)
    assert response.status_code == 413 and response.json["code"] == "too_large"
    assert upload(client, seller, request_id, PDF).status_code == 201


def test_the_seller_submits_on_the_page_and_uploads_evidence(client):
    make_methodology()
    make_methodology(code="DRAFT-1", status="draft")
    seller = make_org("seller")
    sign_in(client, seller)
    page = client.get("/issuance-requests").text
    assert "TR-METRO" in page and "DRAFT-1" not in page  # only filed methodologies
    form = {"methodology_code": "TR-METRO", "vintage": "2026", "period_start": "2026-01-01",
            "period_end": "2026-06-30", "quantity": "12.5", "summary": "地铁刷卡数据"}
    response = client.post("/issuance-requests", data=form)
    assert response.status_code == 303
    request = db.session.execute(sa.select(IssuanceRequest)).scalar_one()
    assert request.quantity_kg == 12_500 and request.evidence == {"summary": "地铁刷卡数据"}
    assert response.location == f"/issuance-requests/{request.id}"

    too_fine = client.post("/issuance-requests", data={**form, "quantity": "1.2345"})
    assert too_fine.status_code == 422 and "0.001" in too_fine.text
    wrong_year = client.post("/issuance-requests", data={**form, "vintage": "2025"})
    assert wrong_year.status_code == 422 and 'id="vintage-errors"' in wrong_year.text

    uploaded = client.post(f"/issuance-requests/{request.id}/evidence",
                           data={"file": (io.BytesIO(PDF), "报告.pdf")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 303
    page = client.get(uploaded.location).text
    assert hashlib.sha256(PDF).hexdigest() in page and "报告.pdf" in page and "已提交" in page
    refused = client.post(f"/issuance-requests/{request.id}/evidence",
                          data={"file": (io.BytesIO(b"MZ\x90"), "x.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and 'id="file-errors"' in refused.text
    listing = client.get("/issuance-requests").text.replace("\u00a0", " ")
    assert "12.500 吨" in listing and "已提交" in listing


def test_the_verifier_approves_and_rejects_on_the_queue_page(client):
    make_methodology()
    seller, verifier = make_org("seller"), make_org("verifier")
    first, second = submit(client, seller, kg=10_000), submit(client, seller, kg=2_000)
    upload(client, seller, first, PDF)
    sign_in(client, verifier)
    queue = client.get("/verification").text
    assert queue.index(f'id="request-{first}"') < queue.index(f'id="request-{second}"')
    assert f"/issuance-requests/{first}/evidence/" in queue  # evidence download

    too_much = client.post(f"/verification/{first}/approve",
                           data={f"a{first}-verified": "10.001", f"a{first}-report_ref": "R-1"})
    assert too_much.status_code == 422 and f'id="a{first}-verified-errors"' in too_much.text
    assert db.session.get(IssuanceRequest, first).status == "submitted"

    approved = client.post(f"/verification/{first}/approve",
                           data={f"a{first}-verified": "9.5", f"a{first}-report_ref": "JLV-2026-01"})
    assert approved.status_code == 303
    rejected = client.post(f"/verification/{second}/reject",
                           data={f"r{second}-reasons": "计量数据缺失；报告 JLV-2026-02"})
    assert rejected.status_code == 303
    db.session.expire_all()
    done = db.session.get(IssuanceRequest, first)
    assert (done.status, done.verified_kg, done.report_ref) == ("verified", 9_500, "JLV-2026-01")
    assert db.session.get(IssuanceRequest, second).status == "rejected"
    assert db.session.get(IssuanceRequest, second).report_ref == "计量数据缺失；报告 JLV-2026-02"
    page = client.get("/verification").text
    assert 'id="queue-empty"' in page and "JLV-2026-01" in page


def test_the_workspace_counts_the_queue(client):
    make_methodology()
    seller, verifier = make_org("seller"), make_org("verifier")
    submit(client, seller)
    submit(client, seller)
    sign_in(client, verifier)
    page = client.get("/workspace").text
    assert "/verification" in page and "核证队列" in page
    assert "/issuance-requests\"" not in page  # a seller's entry


def test_the_pages_need_their_roles(client):
    assert client.get("/verification").status_code == 302
    sign_in(client, make_org("buyer"))
    for url in ("/verification", "/issuance-requests", "/lots"):
        assert client.get(url).status_code == 403


def test_the_seller_lists_and_delists_on_the_lots_page(client):
    seller = make_org("seller")
    lot_id = make_lot(seller, 10_000)
    sign_in(client, seller)
    page = client.get("/lots").text.replace("\u00a0", " ")
    assert "JL-2026-TR-METRO" in page and "10.000 吨" in page

    created = client.post("/lots/listings", data={"lot_id": str(lot_id), "quantity": "2.5",
                                                  "price": "58.50"})
    assert created.status_code == 303
    listing = db.session.execute(sa.select(Listing)).scalar_one()
    assert (listing.quantity_kg, listing.price_fen_per_tonne) == (2_500, 5_850)
    page = client.get("/lots").text.replace("\u00a0", " ")
    assert "¥58.50" in page and "2.500 吨" in page

    too_much = client.post("/lots/listings", data={"lot_id": str(lot_id), "quantity": "8",
                                                   "price": "58"})
    assert too_much.status_code in (409, 422) and 'id="quantity-errors"' in too_much.text
    bad_price = client.post("/lots/listings", data={"lot_id": str(lot_id), "quantity": "1",
                                                    "price": "1.234"})
    assert bad_price.status_code == 422 and 'id="price-errors"' in bad_price.text

    assert client.post(f"/lots/listings/{listing.id}/delist").status_code == 303
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "closed"
    assert db.session.get(Lot, lot_id).available_kg == 10_000

    other = make_org("seller")
    other_listing = None
    other_lot = make_lot(other, 1_000, code="TR-BUS")
    from factories import make_listing
    other_listing = make_listing(other, other_lot, 500, 1_000)
    assert client.post(f"/lots/listings/{other_listing}/delist").status_code == 404
