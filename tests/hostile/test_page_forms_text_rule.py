"""The text rule on page forms (docs/hostile-input.md "Page forms"): the form comes back
with the offence beside the field, in the reader's language, what was typed kept,
422 — and nothing stored. The API keeps its whole-request 422 (test_text_rule.py)."""

import html
import re

import pytest
from flask_wtf import FlaskForm

from core.db import db
from core.models import ApiToken, Organization
from core.page_forms import PageForm
from factories import PASSWORD, make_org, make_user, sign_in_as

BAD = [("a\u0000b", "U+0000", "控制字符", "control character"),
       ("\u202e活动", "U+202E", "双向文字控制符", "bidirectional control"),
       ("a\u200bb", "U+200B", "不可见字符", "invisible character")]


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def beside(page: str, field: str) -> str:
    """The error list rendered beside ``field`` (people/_forms.html ``field``)."""
    found = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    assert found, f"no errors beside {field}"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("typed, code, zh, en", BAD)
def test_account_token_name(client, app, typed, code, zh, en):
    sign_in_as(client, make_org("buyer"))
    with app.app_context():
        before = count(ApiToken)
    for lang, words in (("zh", zh), ("en", en)):
        client.get(f"/account?lang={lang}")
        page = client.post("/account/tokens", data={"name": typed, "expires_in_days": "30"})
        assert page.status_code == 422
        assert code in beside(page.text, "name") and words in beside(page.text, "name")
        assert html.escape(typed) in page.text or typed in page.text  # what was typed, kept
    with app.app_context():
        assert count(ApiToken) == before


@pytest.mark.parametrize("typed, code, zh, en", BAD)
def test_login_email(client, app, typed, code, zh, en):
    make_user(make_org("buyer"))
    for lang, words in (("zh", zh), ("en", en)):
        client.get(f"/login?lang={lang}")
        page = client.post("/login", data={"email": typed, "password": PASSWORD})
        assert page.status_code == 422
        assert code in beside(page.text, "email") and words in beside(page.text, "email")
    assert client.get("/account").status_code == 302  # not signed in


@pytest.mark.parametrize("typed, code, zh, en", BAD)
def test_admin_organisation_name(client, app, typed, code, zh, en):
    sign_in_as(client, make_org("registry_admin"))
    with app.app_context():
        before = count(Organization)
    for lang, words in (("zh", zh), ("en", en)):
        client.get(f"/admin/organizations?lang={lang}")
        page = client.post("/admin/organizations", data={"name": typed, "kind": "enterprise",
                                                         "roles": "buyer"})
        assert page.status_code == 422
        assert code in beside(page.text, "name") and words in beside(page.text, "name")
    with app.app_context():
        assert count(Organization) == before


def test_a_clean_post_still_stores(client, app):
    sign_in_as(client, make_org("buyer"))
    assert client.post("/account/tokens", data={"name": "财务系统 👨‍👩‍👧",
                                                "expires_in_days": "30"}).status_code == 201


def test_a_form_field_no_page_form_answers_for_is_the_whole_page_422(client, app):
    sign_in_as(client, make_org("buyer"))
    with app.app_context():
        before = count(ApiToken)
    # A field no form has: refused above the form, nothing stored.
    page = client.post("/account/tokens", data={"name": "ok", "expires_in_days": "30",
                                                "stray\u0000": "x"})
    assert page.status_code == 422
    with app.app_context():
        assert count(ApiToken) == before


def test_every_page_form_derives_from_page_form(app):
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    strays = [f"{c.__module__}.{c.__name__}" for c in subclasses(FlaskForm)
              if not issubclass(c, PageForm) and c.__module__.split(".")[0] in
              {"core", "market", "tlog", "certificates", "events", "cases", "interop"}]
    assert strays == []


def test_a_post_whose_view_validates_no_page_form_is_the_whole_page_422(client, app):
    sign_in_as(client, make_org("buyer"))
    page = client.post("/logout", data={"note": "a\u0000b"})
    assert page.status_code == 422 and "不允许" in page.text


def test_text_areas_keep_line_breaks_and_single_line_fields_refuse_them(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import StringField, TextAreaField

    class NoteForm(PageForm):
        summary = StringField()
        note = TextAreaField()

    with app.test_request_context("/", method="POST"):
        form = NoteForm(formdata=MultiDict({"summary": "ok", "note": "第一行\r\n第二行\tend"}),
                        meta={"csrf": False})
        assert form.validate() and form.note.data == "第一行\r\n第二行\tend"
        form = NoteForm(formdata=MultiDict({"summary": "a\nb", "note": "x\u202ey"}),
                        meta={"csrf": False})
        assert not form.validate()
        assert "U+000A" in form.summary.errors[0] and "U+202E" in form.note.errors[0]
