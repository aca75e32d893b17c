"""Organisations (registry administrator), plus public look-ups. Their users and tokens
are core/people's."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates
from flask_babel import gettext as _

from core.auth import public, require_role
from core.credit_code import is_valid_credit_code
from core.db import db, transaction
from core.errors import Conflict, NotFound
from core.models import KINDS, ROLES, Organization
from core.schemas import BaseSchema

blp = Blueprint("organizations", __name__, url_prefix="/api/v1/organizations",
                description="Organisations, roles and API tokens")


class OrganizationIn(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(max=len(ROLES)))
    credit_code = fields.String(allow_none=True, load_default=None)

    @validates("credit_code")
    def _check_credit_code(self, value, **kwargs):
        if value is not None and not is_valid_credit_code(value):
            raise ValidationError(_("Not a valid unified social credit code (GB 32100 checksum failed)."))


class OrganizationOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    roles = fields.List(fields.String())
    credit_code = fields.String(allow_none=True)


def create_organization(name: str, kind: str, roles: list[str], credit_code: str | None):
    """Register an organisation; names and credit codes are unique across the registry."""
    if db.session.query(Organization.id).filter_by(name=name).first():
        raise Conflict(_("An organisation named “%(name)s” already exists.", name=name))
    if credit_code and db.session.query(Organization.id).filter_by(credit_code=credit_code).first():
        raise Conflict(_("An organisation with this credit code already exists."))
    org = Organization(name=name, kind=kind, roles=sorted(set(roles)), credit_code=credit_code)
    db.session.add(org)
    db.session.flush()
    return org


def get_organization(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound(_("No such organisation."))
    return org


@blp.route("")
class Organizations(MethodView):
    @require_role("registry_admin")
    @blp.arguments(OrganizationIn())
    @blp.response(201, OrganizationOut)
    def post(self, data):
        with transaction():
            return create_organization(**data)


@blp.route("/<id:org_id>")
class OrganizationById(MethodView):
    @public
    @blp.response(200, OrganizationOut)
    def get(self, org_id):
        return get_organization(org_id)


def init_app(app, api) -> None:
    api.register_blueprint(blp)
