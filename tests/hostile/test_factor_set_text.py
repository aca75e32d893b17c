"""A factor set's strings (descriptions, each factor's basis, publisher, document, note)
are shown on pages and copied into claims: they obey the text rule (docs/hostile-input.md)
whether the set arrives as an upload on /admin/factor-sets or through the API, and a
refused set stores nothing."""

import copy
import io
import json

import pytest
import sqlalchemy as sa

from core.db import db
from events.factors import load_builtin
from events.models import FactorSet
from factories import make_org, sign_in_as


def _document(change):
    document = copy.deepcopy(load_builtin())
    document.update(version="CN-JL-2026.7", published="2026-12-01")
    change(document)
    return document


HOSTILE = [
    pytest.param(lambda d: d.update(description_zh="排放因子\u202e集"), "description_zh",
                 id="bidi-override-in-description"),
    pytest.param(lambda d: d["factors"]["electricity"].update(basis="grid\x00average"),
                 "factors.electricity.basis", id="nul-in-basis"),
    pytest.param(lambda d: d["factors"]["electricity"].update(publisher="生态\u200f环境部"),
                 "factors.electricity.publisher", id="bidi-mark-in-publisher"),
]


def _stored_versions():
    db.session.expire_all()
    return db.session.execute(sa.select(FactorSet.version)).scalars().all()


@pytest.mark.parametrize("change, path", HOSTILE)
def test_the_upload_page_refuses_hostile_text_beside_the_file(client, change, path):
    sign_in_as(client, make_org("registry_admin", kind="registry"))
    content = json.dumps(_document(change), ensure_ascii=False).encode()
    for lang in ("en", "zh"):
        response = client.post(f"/admin/factor-sets?lang={lang}",
                               data={"file": (io.BytesIO(content), "factors.json")},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert 'id="file-errors"' in response.text and path in response.text
    assert "因子集无效。" in response.text
    assert "CN-JL-2026.7" not in _stored_versions()


@pytest.mark.parametrize("change, path", HOSTILE)
def test_the_api_refuses_hostile_text_with_the_path(client, change, path):
    admin = make_org("registry_admin", kind="registry")
    response = client.post("/api/v1/factor-sets", headers=admin.headers,
                           json=_document(change))
    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    for part in path.split("."):
        errors = errors[part]
    assert errors
    assert "CN-JL-2026.7" not in _stored_versions()
