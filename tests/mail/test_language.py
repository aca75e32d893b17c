"""A user's language: chosen with ?lang= while signed in, or on /account; their e-mail
follows it."""

from core.db import db
from core.people.users import find_user_by_email
from factories import PASSWORD, make_org, make_user


def sign_in(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303


def locale_of(email):
    db.session.expire_all()
    return find_user_by_email(email).locale


def test_switching_the_page_language_while_signed_in_is_remembered(client):
    email = make_user(make_org("buyer"))
    assert locale_of(email) == "zh"
    client.get("/workspace?lang=en")  # signed out: nothing to remember
    assert locale_of(email) == "zh"
    sign_in(client, email)
    assert client.get("/workspace?lang=en").status_code == 200
    assert locale_of(email) == "en"
    client.get("/workspace?lang=zh")
    assert locale_of(email) == "zh"


def test_the_account_page_sets_the_language(client):
    email = make_user(make_org("buyer"))
    sign_in(client, email)
    page = client.get("/account?lang=zh").text
    assert "页面和邮件语言" in page and 'value="en"' in page
    saved = client.post("/account/language", data={"locale": "en"})
    assert saved.status_code == 303 and "lang=en" in saved.headers.get("Set-Cookie", "")
    assert locale_of(email) == "en"
    followed = client.get("/account")
    assert "Your language is saved: pages and e-mail will be in English." in followed.text
    refused = client.post("/account/language", data={"locale": "fr"})
    assert refused.status_code == 303 and locale_of(email) == "en"
    assert "Choose Chinese or English." in client.get("/account").text


def test_the_language_form_needs_a_signed_in_user(client):
    response = client.post("/account/language", data={"locale": "en"})
    assert response.status_code in (302, 303, 401)
