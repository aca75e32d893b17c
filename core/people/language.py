"""The user's language, remembered: a signed-in user who switches the page language
(``?lang=``) keeps it as their ``locale``, and ``/account`` sets it directly. Their
e-mail (``core.mail``) is written in it."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from core.page_forms import PageForm
from wtforms import SelectField
from wtforms.validators import DataRequired

from core.db import db, transaction
from core.errors import DomainError
from core.i18n import COOKIE, COOKIE_MAX_AGE, LOCALES
from core.people import users
from core.people.models import User

bp = Blueprint("people_language", __name__)
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


class LanguageForm(PageForm):
    """The language of the user's pages and e-mail."""

    locale = SelectField(_l("Language of pages and e-mail"),
                         validators=[DataRequired(message=_l("This field is required."))])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.locale.choices = [(code, LANGUAGE_NAMES[code]) for code in LOCALES]


def remember_language() -> None:
    """Before a page request: a signed-in user choosing ``?lang=`` keeps that language."""
    choice = request.args.get("lang")
    if choice not in LOCALES or request.path.startswith("/api/") or request.method != "GET":
        return
    if not current_user.is_authenticated or current_user.locale == choice:
        return
    with transaction():
        users.set_locale(db.session.get(User, current_user.id), choice)


@bp.post("/account/language")
@login_required
def set_language():
    """The account page's language form: stored on the user and, for this browser, in the
    language cookie, so the next page is already in it."""
    form = LanguageForm()
    if not form.validate_on_submit():
        flash(_("Choose Chinese or English."), "error")
        return redirect(url_for("people_pages.account"), code=303)
    try:
        with transaction():
            user = users.set_locale(db.session.get(User, current_user.id), form.locale.data)
            chosen = user.locale
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("people_pages.account"), code=303)
    with force_locale(chosen):
        flash(_("Your language is saved: pages and e-mail will be in %(language)s.",
                language=LANGUAGE_NAMES[chosen]), "info")
    response = redirect(url_for("people_pages.account"), code=303)
    response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def init_app(app) -> None:
    app.before_request(remember_language)
    app.register_blueprint(bp)
