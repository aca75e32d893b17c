"""Certificate API: the signed credential with its status, verification, revocation,
status lists."""

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_babel import gettext as _
from werkzeug.routing import BaseConverter

from certificates import revocation, service
from certificates.schemas import CertificateOut, RevocationIn, VerificationOut
from core.auth import public, require_role
from core.db import transaction
from core.errors import Invalid
from core.ops.throttle import throttled

MAX_UPLOAD = 10 * 1024 * 1024

class CertificateNumberConverter(BaseConverter):
    """A path segment naming a certificate, never the word ``verification``: otherwise
    ``/certificates/verification`` also matches the GET of a certificate, and OPTIONS
    advertises a GET that only answers 404."""

    regex = r"(?!verification(?![^/]))[^/]+"


blp = Blueprint("certificates", __name__, url_prefix="/api/v1",
                description="Signed certificates, verification and revocation")


@blp.route("/certificates/<certificate_number:number>")
class CertificateByNumber(MethodView):
    @public
    @blp.response(200, CertificateOut)
    def get(self, number):
        return Response(service.describe_number_json(number), mimetype="application/json")


@blp.route("/certificates/verification")
class Verification(MethodView):
    # Anyone may upload; parsing and checking a PDF costs, so each address has a budget.
    @throttled("certificate-verification", "VERIFY_RATE_LIMIT")
    @public
    @blp.doc(description="Body: a credential JSON (bare or as returned by GET "
                         "/certificates/{number}), or multipart/form-data with a PDF or JSON "
                         "file in the field `file`.",
             requestBody={"required": True, "content": {
                 "application/json": {"schema": {"type": "object"}},
                 "multipart/form-data": {"schema": {
                     "type": "object", "required": ["file"], "additionalProperties": False,
                     "properties": {"file": {"type": "string", "format": "binary"}}}}}})
    @blp.response(200, VerificationOut)
    def post(self):
        upload = request.files.get("file")
        if upload is not None:
            data = upload.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                raise Invalid(_("The file is larger than 10 MiB."), {"file": [_("Too large.")]})
            return service.verify_upload(data)
        # The strict reader (core.strict_json): duplicate members or deep nesting are 422.
        document = request.get_json() if request.is_json and request.get_data(cache=True) else None
        if document is None:
            raise Invalid(_("Send a credential as JSON or a file in the multipart field 'file'."),
                          {"file": [_("Missing.")]})
        return service.verify_credential(document)


@blp.route("/certificates/<certificate_number:number>/revocation")
class Revocation(MethodView):
    @require_role("registry_admin")
    @blp.arguments(RevocationIn())
    @blp.response(200, CertificateOut)
    def post(self, data, number):
        with transaction():
            certificate = service.revoke(number, data["reason"])
            return service.describe(certificate)


@blp.route("/status-lists/<id:list_id>")
class StatusListById(MethodView):
    @public
    @blp.doc(description="A BitstringStatusListCredential (W3C Bitstring Status List v1.0).")
    def get(self, list_id):
        with transaction():
            return revocation.get_status_list_credential(list_id)
