"""What every page edge shares: role-gated pages, the base class of every page form (the
text rule beside the field) and a use case's refusal placed beside the form fields it names.

    @bp.route("/orders/<number>")
    @page_role_required("buyer", "registry_admin")
    def order(number):
        organization = current_organization_of_user()
"""

from functools import wraps

from flask import abort, g, has_request_context
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from core import text
from core.errors import DomainError
from core.models import Organization

# Set by core.request_guard on a page form post whose fields break the text rule:
# {field name: [messages]}; a PageForm that validates marks them handled.
VIOLATIONS, HANDLED = "text_rule_violations", "text_rule_handled"


def _rule(field) -> str:
    if isinstance(field, TextAreaField):
        return text.MULTI_LINE
    if isinstance(field, PasswordField):
        return text.MULTI_LINE  # as the request guard always had it: any visible character
    return text.NAME


class PageForm(FlaskForm):
    """Base class of every page form (never derive from ``FlaskForm`` directly).

    ``validate()`` applies the text rule (``core.text``) to every string field — the name
    rule to single-line fields (``StringField`` and its kinds), the multi-line rule to
    ``TextAreaField`` — and puts the offence beside the field, in the reader's language,
    keeping what was typed. Whatever else the request guard found in the posted form (a
    select's value, a file name, a field this form does not have) goes beside that field
    or above the form. A form holding any of it does not validate, and
    ``core.db.transaction()`` refuses to run while the post holds it, so nothing is stored.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField) and isinstance(field.data, str):
                found = text.problem(field.data, _rule(field))
                if found and found not in field.errors:
                    field.errors = [*field.errors, found]
                    valid = False
        if has_request_context() and getattr(g, VIOLATIONS, None):
            valid = False
            setattr(g, HANDLED, True)
            names = {field.name: field for field in self}
            for name, messages in getattr(g, VIOLATIONS).items():
                field = names.get(name)
                for message in messages:
                    if field is None:
                        if message not in self.form_errors:
                            self.form_errors.append(message)
                    elif message not in field.errors:
                        field.errors = [*field.errors, message]
        return valid


def query_form_page(view):
    """Marks a GET page whose ``PageForm`` reads the query string (a search): the request
    guard then lets the text rule's offences in it through, for the form to show beside
    its fields like any refused search (what was typed kept), instead of refusing the
    whole page. The page
    must validate its form before it uses any parameter (its own or another)."""
    view.shows_query_errors = True
    return view


def current_organization_of_user() -> Organization:
    """The signed-in person's organisation (call inside a ``page_role_required`` page)."""
    return current_user.organization


def page_role_required(*roles: str):
    """Signed-out visitors go to ``/login?next=…``; a signed-in person whose organisation
    holds none of ``roles`` gets 403. With no roles, any signed-in person passes."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if roles and not current_user.organization.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _flat(errors: dict):
    """The API nests some errors (an order's ``retirement`` fields); a page's form is flat."""
    for name, messages in errors.items():
        if isinstance(messages, dict):
            yield from _flat(messages)
        else:
            yield name, messages


def show_errors(form, error: DomainError, fields: dict[str, str] | None = None) -> None:
    """Put a use case's refusal beside the fields it names (else above the form).
    ``fields`` maps a use case's field name to the form's where they differ
    (``{"quantity_kg": "quantity"}`` when the form takes tonnes)."""
    placed = False
    for name, messages in _flat(error.errors):
        field = getattr(form, (fields or {}).get(name, name), None)
        if field is not None:
            field.errors = [*field.errors, *messages]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def error_summary(*forms) -> list[str]:
    """Every refusal of the posted ``forms`` as messages for the top of a page, so a 422
    always shows at least one visible error even when the form that was posted is not on
    screen (a later step, a tampered hidden field). A hidden field's errors become one
    plain sentence: they name nothing the reader could fix."""
    messages: list[str] = []
    for form in forms:
        if form is None:
            continue
        messages += [str(m) for m in getattr(form, "form_errors", [])]
        for field in form:
            if not field.errors:
                continue
            if field.type in ("HiddenField", "CSRFTokenField"):
                messages.append(_("This form was changed outside this page; reload the page "
                                  "and send it again."))
            else:
                messages += [str(m) for m in field.errors]
    return list(dict.fromkeys(messages))
