"""以碳代偿 compensation cases: opened by courts, procuratorates and eco-environment
bureaus, read by their parties, shown masked to the public, paid through a link."""

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from cases import cases, documents, payment
from cases.schemas import (
    CaseArgs, CaseCreatedOut, CaseDocumentIn, CaseDocumentOut, CaseEventOut, CaseFullOut, CaseIn,
    CaseLinkOut, CaseOut, CasePaymentIn, CasePaymentPageOut, PublicCaseOut,
)
from core.auth import current_organization, public, require_role
from core.db import db, transaction
from core.errors import Invalid
from core.ops.throttle import count_not_found, throttled
from core.responses import json_response
from core.schemas import page_of, page_schema
from market.schemas import OrderOut

blp = Blueprint("compensation_cases", __name__, url_prefix="/api/v1",
                description="以碳代偿 ecological-damage compensation cases")
CasePage = page_schema(CaseOut, "CasePage")


@blp.route("/compensation-cases")
class Cases(MethodView):
    @require_role()
    @blp.arguments(CaseArgs(), location="query")
    @blp.response(200, CasePage)
    def get(self, args):
        """The cases the caller is party to (every case for the registry admin), newest
        first; filters ``status``, ``overdue`` (true/false), ``q`` (part of the 案号)."""
        stmt = cases.search_cases(current_organization(), status=args.get("status"),
                                  overdue=args.get("overdue"), q=args.get("q"))
        return page_of(stmt, args["page"], args["per_page"], db.session)

    @require_role("case_authority")
    @blp.arguments(CaseIn())
    @blp.response(201, CaseCreatedOut)
    def post(self, data):
        """Open a case; the payment link in the answer is shown this once."""
        with transaction():
            case, link = cases.open_case(current_organization(), **data)
            body = CaseFullOut().dump(case)
        return json_response({**body, "payment_link": link}, 201)


@blp.route("/compensation-cases/<id:case_id>")
class CaseById(MethodView):
    @require_role()
    @blp.response(200, CaseFullOut)
    def get(self, case_id):
        """The case for its authority and the registry admin (full identity), or for the
        obligor's organisation (without the ID number); anyone else gets 404."""
        org = current_organization()
        case = cases.get_case(org, case_id)
        schema = CaseFullOut if cases.may_see_identity(org, case) else CaseOut
        return json_response(schema().dump(case), 200)


@blp.route("/compensation-cases/<id:case_id>/history")
class CaseHistory(MethodView):
    @require_role("case_authority", "registry_admin")
    @blp.response(200, CaseEventOut(many=True))
    def get(self, case_id):
        """Every change of the case with who made it and when, oldest first."""
        return cases.case_history(current_organization(), case_id)


@blp.route("/compensation-cases/<id:case_id>/documents")
class CaseDocuments(MethodView):
    @require_role("case_authority")
    @blp.arguments(CaseDocumentIn())
    @blp.response(201, CaseDocumentOut)
    def post(self, data, case_id):
        """File a reference to a document of the case (the authority only)."""
        with transaction():
            return cases.add_document(current_organization(), case_id, **data)


@blp.route("/compensation-cases/<id:case_id>/documents/<id:document_id>/file")
class CaseDocumentFile(MethodView):
    @require_role("case_authority")
    @blp.doc(description="multipart/form-data with the document as a PDF in the field `file` "
                         "(at most EVIDENCE_MAX_BYTES, 10 MiB by default: 413 beyond); once.")
    @blp.response(201, CaseDocumentOut)
    def post(self, case_id, document_id):
        """Attach the PDF of a document of the case file (the authority only)."""
        upload = request.files.get("file")
        if upload is None:
            raise Invalid(_("Send the file in the multipart field 'file'."),
                          {"file": [_("Missing.")]})
        data = upload.read(documents.max_bytes() + 1)
        with transaction():
            return documents.attach_file(current_organization(), case_id, document_id,
                                         filename=upload.filename or "", data=data)

    @require_role("case_authority", "registry_admin")
    @blp.doc(description="The PDF's bytes, with its SHA-256 in the `Repr-Digest` header.")
    def get(self, case_id, document_id):
        """The document's PDF, for the authority and the registry admin."""
        return documents.download_response(
            documents.get_document_file(current_organization(), case_id, document_id))


@blp.route("/compensation-cases/<id:case_id>/payment-link")
class CasePaymentLink(MethodView):
    @require_role("case_authority")
    @blp.response(201, CaseLinkOut)
    def post(self, case_id):
        """Issue a new payment link; the previous one stops working."""
        with transaction():
            return {"payment_link": cases.reissue_payment_link(current_organization(),
                                                                      case_id)}


@blp.route("/public/compensation-cases/<id:case_id>")
class PublicCase(MethodView):
    @public
    @blp.response(200, PublicCaseOut)
    def get(self, case_id):
        """The case without identity: obligor masked (first character + 某), no ID number."""
        return cases.get_public_case(case_id)


@blp.route("/public/compensation-cases/pay/<string:token>")
class CasePayment(MethodView):
    # Only lookups that find no link count (token guessing); paying is never slowed.
    @throttled("payment-link-misses", "PAYMENT_LINK_RATE_LIMIT", counts=count_not_found)
    @public
    @blp.response(200, CasePaymentPageOut)
    def get(self, token):
        """What the payment link shows: the masked case, the rest to buy and its price."""
        return payment.payment_view(token)

    @throttled("payment-link-misses", "PAYMENT_LINK_RATE_LIMIT", counts=count_not_found)
    @public
    @blp.arguments(CasePaymentIn())
    @blp.response(201, OrderOut)
    def post(self, data, token):
        """Buy and retire the outstanding quantity from the cheapest open listings."""
        return payment.pay_through_link(token, data["payment_method"])
