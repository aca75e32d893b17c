"""The people API: users of an organisation and its API tokens."""

from flask import current_app
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from core.auth import current_organization, require_role
from core.db import transaction
from core.errors import Forbidden
from core.people import tokens, users
from core.people.schemas import IssuedTokenOut, TokenIn, TokenListOut, TokenOut, UserIn, UserOut
from core.routes import get_organization

blp = Blueprint("people", __name__, url_prefix="/api/v1",
                description="Users of organisations and their API tokens")


def invitation_url(token: str) -> str:
    return f"{current_app.config['BASE_URL']}/invitations/{token}"


@blp.route("/organizations/<id:org_id>/users")
class OrganizationUsers(MethodView):
    @require_role("registry_admin")
    @blp.arguments(UserIn())
    @blp.response(201, UserOut)
    def post(self, data, org_id):
        """Add a user; without a password the answer carries a one-time invitation link."""
        with transaction():
            org = get_organization(org_id)
            if data["password"] is None:
                invited = users.invite_user(org, email=data["email"], name=data["name"])
                return {**UserOut().dump(invited.user),
                        "invitation_url": invitation_url(invited.token)}
            return users.create_user(org, **data)


@blp.route("/organizations/<id:org_id>/users/<id:user_id>/deactivation")
class UserDeactivation(MethodView):
    @require_role("registry_admin")
    @blp.response(200, UserOut)
    def post(self, org_id, user_id):
        """Deactivate a user: sign-in is refused and their sessions end (registry admin)."""
        with transaction():
            return users.deactivate_user(get_organization(org_id), user_id, by=None)


@blp.route("/organizations/<id:org_id>/tokens")
class OrganizationTokens(MethodView):
    @require_role("registry_admin")
    @blp.arguments(TokenIn(), required=False)
    @blp.response(201, IssuedTokenOut)
    def post(self, data, org_id):
        """Issue a token (shown once); it expires after one year unless said otherwise."""
        data = data or {}
        with transaction():
            issued = tokens.issue_token(get_organization(org_id), **data)
            return {"id": issued.token.id, "name": issued.token.name, "token": issued.secret,
                    "expires_at": issued.token.expires_at}

    @require_role()
    @blp.response(200, TokenListOut)
    def get(self, org_id):
        """The organisation's tokens, metadata only (registry admin or the organisation)."""
        caller = current_organization()
        if caller.id != org_id and not caller.has_role("registry_admin"):
            raise Forbidden(_("Only the organisation itself or the registry admin may list "
                              "its tokens."))
        return {"items": tokens.list_tokens(get_organization(org_id))}


@blp.route("/tokens/<id:token_id>")
class TokenById(MethodView):
    @require_role()
    @blp.response(200, TokenOut)
    def delete(self, token_id):
        """Revoke a token: refused from then on (registry admin, or its organisation)."""
        with transaction():
            return tokens.revoke_token(token_id, by=current_organization())


def init_app(app, api) -> None:
    api.register_blueprint(blp)
