"""The public transparency log: signed checkpoint, inclusion and consistency proofs, log key.

Hashes are standard base64. Bad or missing parameters and a leaf index not below the
tree size are 422; a tree size larger than the log (not grown that far yet) is 404.
"""

import base64

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from core.auth import public
from core.db import transaction
from core.schemas import BaseSchema
from tlog import checkpoints, proofs, tree

blp = Blueprint("transparency", __name__, url_prefix="/api/v1/transparency",
                description="Transparency log of the ledger: RFC 9162 Merkle tree, "
                            "C2SP signed-note checkpoints, inclusion and consistency proofs")

MAX_TREE_SIZE = 2**62
EXAMPLE_CHECKPOINT = (  # a real note, signed with the Ed25519 key whose seed is bytes 0..31
    "registry.example/log\n7\nUNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw=\n\n"
    "\u2014 registry.example/log lSvF54dEzzuvwxl7GllLJ5n6Eb7oOBsLlQvcTAYBbevIpEva68Trmz0/"
    "5/rNsDKp9U6WKh5I1yd+s/y9GqNpuJHe4gY=\n")


class Base64(fields.String):
    """Bytes, dumped as standard base64."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else base64.b64encode(value).decode("ascii")


def _size(minimum: int, **kwargs):
    return fields.Integer(required=True, validate=validate.Range(min=minimum, max=MAX_TREE_SIZE),
                          **kwargs)


class InclusionArgs(BaseSchema):
    index = _size(0, metadata={"description": "Leaf index (= ledger seq), below tree_size."})
    tree_size = _size(1, metadata={"description": "Size of the tree, e.g. a checkpoint's."})


class ConsistencyArgs(BaseSchema):
    first = _size(0, metadata={"description": "Size of the older tree."})
    second = _size(0, metadata={"description": "Size of the newer tree, at least first."})


class InclusionProofOut(BaseSchema):
    index = fields.Integer()
    tree_size = fields.Integer()
    leaf_hash = Base64(metadata={"description": "SHA-256(0x00 ‖ canonical ledger item)."})
    hashes = fields.List(Base64(), metadata={"description": "Audit path, leaf to root."})


class ConsistencyProofOut(BaseSchema):
    first = fields.Integer()
    second = fields.Integer()
    hashes = fields.List(Base64())


class LogKeyOut(BaseSchema):
    name = fields.String(metadata={"description": "Key name used in signature lines."})
    origin = fields.String(metadata={"description": "First line of every checkpoint."})
    public_key = fields.String(metadata={"description": "Raw 32-byte Ed25519 key, base64."})


def _cover(size: int) -> None:
    # Entries committed since the last sync are hashed now, in a transaction of their own.
    if tree.is_behind(size):
        with transaction():
            tree.sync_tree()


@blp.route("/checkpoint")
class CurrentCheckpoint(MethodView):
    @public
    @blp.response(200, {"type": "string"}, content_type="text/plain",
                  description="C2SP signed note: origin, tree size, base64 root, signature.",
                  example=EXAMPLE_CHECKPOINT)
    def get(self):
        """The signed checkpoint of the current tree (signed anew whenever the log grew),
        with the witnesses' cosignatures collected for it."""
        checkpoint = checkpoints.fresh_checkpoint()
        if checkpoint is None:
            with transaction():
                checkpoint = checkpoints.latest_checkpoint()
        note = checkpoints.served_note(checkpoint)
        return Response(note, mimetype="text/plain", headers={"Cache-Control": "no-cache"})


@blp.route("/proofs/inclusion")
class InclusionProof(MethodView):
    @public
    @blp.arguments(InclusionArgs(), location="query")
    @blp.response(200, InclusionProofOut)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args):
        """Audit path of leaf `index` in the tree of `tree_size` leaves (RFC 9162 §2.1.3).

        422 when a parameter is missing or bad or index ≥ tree_size; 404 when the log
        has fewer than tree_size entries.
        """
        _cover(args["tree_size"])
        return proofs.inclusion(args["index"], args["tree_size"])


@blp.route("/proofs/consistency")
class ConsistencyProof(MethodView):
    @public
    @blp.arguments(ConsistencyArgs(), location="query")
    @blp.response(200, ConsistencyProofOut)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args):
        """Proof that the tree of `first` leaves is a prefix of that of `second` (RFC 9162 §2.1.4).

        Empty when first is 0 or equals second. 422 when a parameter is missing or bad or
        first > second; 404 when the log has fewer than second entries.
        """
        _cover(args["second"])
        return proofs.consistency(args["first"], args["second"])


@blp.route("/log-key")
class LogKey(MethodView):
    @public
    @blp.response(200, LogKeyOut)
    def get(self):
        """The log's Ed25519 public key and the name its signature lines carry."""
        return checkpoints.public_key_info()
