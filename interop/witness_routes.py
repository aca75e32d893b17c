"""Receiving peers' cosignatures of this registry's checkpoints (INTEROP.md §6)."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from core.auth import public
from core.db import transaction
from core.schemas import BaseSchema, MultilineText, Text
from interop import witness

blp = Blueprint("interop_witness", __name__, url_prefix="/api/v1/transparency",
                description="互联互通: cosignatures of this log's checkpoints by peers' witnesses")


class CosignatureIn(BaseSchema):
    checkpoint = MultilineText(required=True, validate=validate.Length(min=1, max=20_000),
                               metadata={"description": "The cosigned checkpoint note."})
    cosignature = Text(required=True, validate=validate.Length(min=1, max=1_000), metadata={
        "description": "C2SP cosignature/v1 line: `— <witness name> base64(key id ‖ "
                       "timestamp ‖ Ed25519 signature)`."})


class CosignatureOut(BaseSchema):
    tree_size = fields.Integer()
    witness_name = fields.String()
    timestamp = fields.Integer(metadata={"description": "Unix seconds, as cosigned."})


@blp.route("/cosignatures")
class Cosignatures(MethodView):
    @public
    @blp.arguments(CosignatureIn())
    @blp.response(201, CosignatureOut)
    def post(self, data):
        """Take a pinned peer witness's cosignature of one of this log's checkpoints; the
        checkpoint endpoint serves it from then on. 422 when it is not a valid cosignature
        by a pinned peer's witness of a checkpoint signed here; 404 for an unknown size."""
        with transaction():
            stored = witness.accept_cosignature(data["checkpoint"], data["cosignature"])
            return {"tree_size": stored.tree_size, "witness_name": stored.witness_name,
                    "timestamp": stored.timestamp}
