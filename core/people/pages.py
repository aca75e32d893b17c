"""Sign-in, sign-out, the workspace, the account page and invitation links.

Each page calls the same use case as the API inside ``transaction()`` and then redirects
(post/redirect/get), or re-renders its form with the errors beside the fields.
"""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from core import clock
from core import workspace as workspace_menu
from core.db import transaction
from core.errors import DomainError
from core.page_forms import show_errors
from core.people import tokens, users
from core.people.errors import InvitationInvalid
from core.people.forms import ChangePasswordForm, LoginForm, NewPasswordForm, NewTokenForm
from core.people.labels import role_labels, token_state_label
from core.people.language import LanguageForm
from core.people.sessions import limiter, login_limit

bp = Blueprint("people_pages", __name__, template_folder="templates")


def safe_next(target: str | None) -> str:
    """``?next=`` when it is a path on this site, else the workspace (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("people_pages.workspace")


def beijing_date(moment) -> str:
    """The China Standard Time date of a stored UTC moment (YYYY-MM-DD)."""
    return moment.astimezone(clock.CHINA).date().isoformat()



def _failed_sign_in(response) -> bool:
    return response.status_code != 303


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=_failed_sign_in)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("people/login.html", form=form), 422 if form.errors else 200
    try:
        with transaction():
            user = users.authenticate(form.email.data, form.password.data)
    except DomainError as error:
        show_errors(form, error)
        return render_template("people/login.html", form=form), error.status
    login_user(user)
    return redirect(safe_next(request.args.get("next")), code=303)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("people_pages.login"), code=303)


@bp.get("/workspace")
@login_required
def workspace():
    organization = current_user.organization
    return render_template("people/workspace.html", organization=organization,
                           roles=role_labels(organization.roles),
                           entries=workspace_menu.entries_for(current_app, organization))


def _account_page(password_form=None, token_form=None, new_token=None, status=200):
    return render_template(
        "people/account.html",
        password_form=password_form or ChangePasswordForm(formdata=None),
        token_form=token_form or NewTokenForm(formdata=None),
        language_form=LanguageForm(formdata=None, locale=current_user.locale),
        new_token=new_token,
        tokens=tokens.list_tokens(current_user.organization),
        state_label=token_state_label, beijing_date=beijing_date), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """GET shows the account; POST changes the password."""
    form = ChangePasswordForm()
    if request.method == "GET":
        return _account_page()
    if not form.validate_on_submit():
        return _account_page(password_form=form, status=422)
    try:
        with transaction():
            user = users.change_password(current_user._get_current_object(),
                                         current_password=form.current_password.data,
                                         new_password=form.password.data)
    except DomainError as error:
        show_errors(form, error)
        return _account_page(password_form=form, status=error.status)
    login_user(user)  # the session id carries the password's stamp: renew it
    flash(_("Your password has been changed."), "info")
    return redirect(url_for("people_pages.account"), code=303)


@bp.post("/account/tokens")
@login_required
def create_token():
    """Issue a token for the user's organisation and show its secret this once."""
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _account_page(token_form=form, status=422)
    with transaction():
        issued = tokens.issue_token(current_user.organization, name=form.name.data,
                                    expires_in_days=form.expires_in_days.data)
        shown = {"name": issued.token.name, "secret": issued.secret,
                 "expires_at": issued.token.expires_at}
    return _account_page(new_token=shown, status=201)


@bp.post("/account/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id):
    try:
        with transaction():
            tokens.revoke_token(token_id, by=current_user.organization)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The token has been revoked."), "info")
    return redirect(url_for("people_pages.account"), code=303)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token):
    """An invited person sets their password once, then is signed in."""
    try:
        invited = users.find_invitation(token)
    except InvitationInvalid as error:
        return render_template("people/invitation.html", form=None, error=error.message), 404
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return render_template("people/invitation.html", form=form, user=invited), \
            422 if form.errors else 200
    try:
        with transaction():
            user = users.accept_invitation(token, form.password.data)
    except DomainError as error:
        show_errors(form, error)
        return render_template("people/invitation.html", form=form, user=invited), error.status
    login_user(user)
    flash(_("Welcome! Your password is set."), "info")
    return redirect(url_for("people_pages.workspace"), code=303)
