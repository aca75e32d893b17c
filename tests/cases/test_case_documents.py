"""The case file's documents with their PDFs: the authority files a reference with the
PDF on the case page or through the API; what is not a PDF, or is too large, is refused
beside the file field; the authority and the registry admin download it with its SHA-256,
nobody else."""

import base64
import hashlib
import io
import re

import pytest

from cases.models import CaseDocument
from core.db import db
from core.pdf import render_pdf
from factories import PASSWORD, case_body, make_authority, make_org, make_user

EN = {"Accept-Language": "en"}


def sign_in(client, email):
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 303


@pytest.fixture
def filed(app, client):
    court = make_authority(name="长春市中级人民法院")
    case = client.post("/api/v1/compensation-cases", headers=court.headers,
                       json=case_body(obligor={"name": "张三丰"})).json
    sign_in(client, make_user(court))
    return court, case["id"], render_pdf("<p>碳汇损失评估意见书</p>")


def upload(client, case_id, data, name="意见书.pdf", headers=None, **fields):
    form = {"kind": "loss_assessment_opinion", "title": "碳汇损失评估意见书",
            "reference": "吉林调评〔2026〕12号", "file": (io.BytesIO(data), name), **fields}
    return client.post(f"/cases/{case_id}/documents", data=form, headers=headers or {},
                       content_type="multipart/form-data")


def test_a_pdf_is_kept_with_its_sha256_and_downloaded_by_the_authority_and_admin(client,
                                                                                filed):
    court, case_id, pdf = filed
    assert upload(client, case_id, pdf).status_code == 303
    document = db.session.query(CaseDocument).one()
    assert (document.filename, document.size) == ("意见书.pdf", len(pdf))
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()
    page = client.get(f"/cases/{case_id}").text
    assert document.sha256 in page and "意见书.pdf" in page
    download = client.get(f"/cases/{case_id}/documents/{document.id}/file")
    assert download.status_code == 200 and download.data == pdf
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Repr-Digest"] == \
        f"sha-256=:{base64.b64encode(hashlib.sha256(pdf).digest()).decode()}:"
    api = client.get(f"/api/v1/compensation-cases/{case_id}/documents/{document.id}/file",
                     headers=court.headers)
    assert api.status_code == 200 and api.data == pdf

    sign_in(client, make_user(make_authority(name="吉林市中级人民法院")))
    assert client.get(f"/cases/{case_id}/documents/{document.id}/file").status_code == 404
    client.post("/logout")
    assert client.get(f"/cases/{case_id}/documents/{document.id}/file").status_code == 302
    public = client.get(f"/api/v1/public/compensation-cases/{case_id}").json
    assert "documents" not in public and public["document_kinds"] == ["loss_assessment_opinion"]
    sign_in(client, make_user(make_org("registry_admin", kind="registry")))
    assert client.get(f"/cases/{case_id}/documents/{document.id}/file").data == pdf


def test_what_is_not_a_pdf_or_too_large_is_refused_beside_the_file_field(client, filed, app):
    _, case_id, pdf = filed
    for typed, headers, expected in (
            (b"MZ\x90\x00 not a pdf", {}, "不是 PDF 文件"), (b"MZ\x90\x00", EN, "Not a PDF file"),
            (b"%PDF-1.7\n1 0 obj\n<<>>\n", EN, "Not a PDF file"),  # only the header is a PDF's
            (pdf[:len(pdf) // 2], {}, "不是 PDF 文件")):  # a truncated download
        refused = upload(client, case_id, typed, name="x.pdf", headers=headers)
        assert refused.status_code == 422
        errors = re.search(r'id="file-errors">(.*?)</ul>', refused.text, re.S)
        assert errors and expected in errors[1]
    app.config["EVIDENCE_MAX_BYTES"] = len(pdf) - 1
    too_large = upload(client, case_id, pdf, headers=EN)
    assert too_large.status_code == 413 and 'id="file-errors"' in too_large.text
    assert db.session.query(CaseDocument).count() == 0


def test_the_api_attaches_a_pdf_once_to_a_filed_reference(client, filed):
    court, case_id, pdf = filed
    document = client.post(f"/api/v1/compensation-cases/{case_id}/documents",
                           headers=court.headers, json={
                               "kind": "court_notice", "title": "委托函", "reference": "吉01-7"}).json
    url = f"/api/v1/compensation-cases/{case_id}/documents/{document['id']}/file"
    assert client.get(url, headers=court.headers).status_code == 404
    attached = client.post(url, headers=court.headers,
                           data={"file": (io.BytesIO(pdf), "notice.pdf")},
                           content_type="multipart/form-data")
    assert attached.status_code == 201, attached.json
    assert attached.json["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert attached.json["size"] == len(pdf) and attached.json["filename"] == "notice.pdf"
    again = client.post(url, headers=court.headers, data={"file": (io.BytesIO(pdf), "n.pdf")},
                        content_type="multipart/form-data")
    assert again.status_code == 409
    other = make_authority(name="吉林市中级人民法院")
    assert client.post(url, headers=other.headers, data={"file": (io.BytesIO(pdf), "n.pdf")},
                       content_type="multipart/form-data").status_code == 404
