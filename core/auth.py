"""Bearer-token authentication and the role check every non-public route declares."""

from functools import wraps

from flask import request
from flask_smorest import Blueprint
from flask_babel import gettext as _

from core.errors import Forbidden, Unauthorized
from core.labels import label
from core.models import Organization, find_token_owner
from core.ops import throttle


def current_organization() -> Organization:
    """The organisation behind the request's bearer token (401 when there is none)."""
    # Cached per request (not on g: an app context can outlive one request).
    if "registry.org" in request.environ:
        return request.environ["registry.org"]
    header = request.headers.get("Authorization", "")
    # Not "_": that name is gettext here.
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("A bearer token is required."))
    # Guessing tokens: an address refused too often is refused outright for a while.
    throttle.check("bearer-token-failures", "TOKEN_FAILURE_RATE_LIMIT")
    org = find_token_owner(token.strip())
    if org is None:
        throttle.count("bearer-token-failures", "TOKEN_FAILURE_RATE_LIMIT")
        raise Unauthorized(_("The bearer token is not valid."))
    request.environ["registry.org"] = org
    return org


def require_role(*roles: str):
    """Let the request through only for an organisation holding one of ``roles``.

    With no roles, any authenticated organisation passes. The roles also go into the
    OpenAPI document, so every route states who may call it.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            org = current_organization()
            if roles and not org.has_role(*roles):
                raise Forbidden(_("This needs one of the roles: %(roles)s.",
                                  roles=_(", ").join(label("role", r) for r in roles)))
            return view(*args, **kwargs)

        who = ", ".join(roles) if roles else "any authenticated organisation"
        return Blueprint.doc(
            security=[{"bearerAuth": []}],
            **{"x-roles": list(roles) or ["any"]},
            description=f"Roles: {who}.",
        )(wrapper)

    return decorator


def public(view):
    """Mark a route as needing no token (documented as such)."""
    return Blueprint.doc(security=[], **{"x-roles": ["public"]})(view)
