"""Documents of a case file (DOMAIN.md §5, 龙岩 "六书") with the document itself as a PDF.

The authority files a reference (kind, title, reference number) and may attach the PDF:
what a file is is read from its bytes (``%PDF-``), never from its name; at most
``EVIDENCE_MAX_BYTES`` (10 MiB by default, 413 beyond); the SHA-256 of the bytes is kept
with them. The authority and the registry admin download it; the public never sees it.
"""

import base64
import hashlib

from flask import Response
from flask_babel import gettext as _

from cases import cases
from cases.models import CaseDocument
from core.db import db
from core.errors import Conflict, Forbidden, Invalid, NotFound
from market.evidence import EvidenceTooLarge, clean_filename, content_disposition, kind_of, max_bytes


def add_document(organization, case_id: int, *, kind: str, title: str, reference: str,
                 filename: str | None = None, data: bytes | None = None) -> CaseDocument:
    """File a reference to a document of the case, with its PDF when ``data`` is given
    (the authority only). Raises ``Invalid`` (422, field ``file``) for a file that is not
    a PDF or is empty, ``EvidenceTooLarge`` (413) beyond the limit."""
    if data is not None:
        _check_pdf(data)
    document = cases.add_document(organization, case_id, kind=kind, title=title,
                                  reference=reference)
    if data is not None:
        _keep(document, filename, data)
    return document


def attach_file(organization, case_id: int, document_id: int, *, filename: str,
                data: bytes) -> CaseDocument:
    """Attach the PDF of a document filed earlier without one (the authority only);
    a document that has its file already is 409."""
    document = _document(organization, case_id, document_id)
    case = cases.find_case(case_id)
    if case.authority_id != organization.id:
        raise Forbidden(_("Only the authority adds documents to its case."))
    if document.has_file:
        raise Conflict(_("This document has its file already."),
                       {"file": [_("Already attached.")]})
    _check_pdf(data)
    _keep(document, filename, data)
    cases.record_event(case, "document_added", organization_id=organization.id,
                       kind=document.kind, reference=document.reference, sha256=document.sha256)
    db.session.flush()
    return document


def get_document_file(organization, case_id: int, document_id: int) -> CaseDocument:
    """A document's PDF for the authority and the registry admin; otherwise 404."""
    document = _document(organization, case_id, document_id)
    if not document.has_file:
        raise NotFound(_("This document has no file."))
    return document


def download_response(document: CaseDocument) -> Response:
    """The PDF as an attachment, never inline, with its SHA-256 in ``Repr-Digest``."""
    response = Response(document.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(document.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


def _document(organization, case_id: int, document_id: int) -> CaseDocument:
    case = cases.get_case(organization, case_id)
    document = db.session.get(CaseDocument, document_id)
    if not cases.may_see_identity(organization, case) or document is None \
            or document.case_id != case.id:
        raise NotFound(_("No such document."))
    return document


def _check_pdf(data: bytes) -> None:
    if len(data) > max_bytes():
        raise EvidenceTooLarge(
            _("The file is larger than %(mib)s MiB.", mib=f"{max_bytes() / 1024 / 1024:g}"),
            {"file": [_("Too large.")]})
    if not data:
        raise Invalid(_("The file is empty."), {"file": [_("The file is empty.")]})
    if kind_of(data) != "pdf":
        raise Invalid(_("A document of the case file must be a PDF."),
                      {"file": [_("Not a PDF file.")]})


def _keep(document: CaseDocument, filename: str | None, data: bytes) -> None:
    document.filename = clean_filename(filename or "document.pdf", "pdf")
    document.size = len(data)
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.content = data
    db.session.flush()
