"""What every page edge shares: role-gated pages and a use case's refusal placed beside
the form fields it names.

    @bp.route("/orders/<number>")
    @page_role_required("buyer", "registry_admin")
    def order(number):
        organization = current_organization_of_user()
"""

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import DomainError
from core.models import Organization


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
