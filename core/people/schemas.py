"""Input and output of the people API: users and tokens."""

from marshmallow import fields, validate

from core.people import passwords, tokens
from core.schemas import BaseSchema, StrictInt


class UserIn(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(load_default=None, allow_none=True,
                             validate=validate.Length(max=passwords.MAX_LENGTH))


class UserOut(BaseSchema):
    id = fields.Integer()
    organization_id = fields.Integer()
    email = fields.String()
    name = fields.String()
    invitation_url = fields.String()


class TokenIn(BaseSchema):
    name = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=100))
    expires_in_days = StrictInt(minimum=1, maximum=tokens.MAX_DAYS, load_default=None,
                                allow_none=True)


class IssuedTokenOut(BaseSchema):
    id = fields.Integer()
    name = fields.String(allow_none=True)
    token = fields.String()
    expires_at = fields.DateTime()


class TokenOut(BaseSchema):
    """A token's metadata: never its secret."""

    id = fields.Integer()
    organization_id = fields.Integer()
    name = fields.String(allow_none=True)
    prefix = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    state = fields.String()


class TokenListOut(BaseSchema):
    items = fields.List(fields.Nested(TokenOut))
