"""Evidence files of issuance requests: a seller uploads PDF, XLSX or CSV files to its own
request; the seller, verifiers and the registry admin download them.

What a file is is read from its bytes, never from its name: a PDF starts with ``%PDF-`` and
its cross-reference table leads to its catalog (a truncated download or another file given
a PDF header is not one), an XLSX is a ZIP holding ``[Content_Types].xml`` and an ``xl/`` part, a CSV is UTF-8 (or
GB 18030) text without control characters. The SHA-256 of the bytes is kept with them.
"""

import base64
import hashlib
import io
import re
import zipfile
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, current_app
from flask_babel import gettext as _

from core.db import db
from core.errors import DomainError, Forbidden, Invalid, NotFound
from core import clock, pdf_reading
from market.issuance import get_request
from market.models import EvidenceFile, IssuanceRequest

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MEDIA_TYPES = {"pdf": "application/pdf",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class EvidenceTooLarge(DomainError):
    status = 413
    code = "too_large"


def max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def kind_of(data: bytes) -> str | None:
    """``"pdf"``, ``"xlsx"``, ``"csv"`` from the file's bytes, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf" if pdf_reading.has_catalog(data) else None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
            return "xlsx"
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "csv" if text.strip() and not _CONTROL.search(text) else None
    return None


def clean_filename(filename: str, kind: str) -> str:
    """The name as uploaded without any folder, at most 200 characters, with the extension
    of what the bytes are."""
    name = re.split(r"[\\/]", filename or "")[-1].strip() or f"evidence.{kind}"
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() != kind:
        stem = name
    return f"{stem[:190]}.{kind}"


def add_evidence(seller, request_id: int, *, filename: str, data: bytes) -> EvidenceFile:
    """Keep ``data`` as evidence of the seller's own request (while it is not yet decided)."""
    request = get_request(seller, request_id)
    if request.seller_id != seller.id:
        raise Forbidden(_("Only the seller adds evidence to its request."))
    if request.status != "submitted":
        raise Invalid(_("Evidence can only be added while the request waits for verification."),
                      {"file": [_("The request is already decided.")]})
    if len(data) > max_bytes():
        raise EvidenceTooLarge(
            _("The file is larger than %(mib)s MiB.", mib=f"{max_bytes() / 1024 / 1024:g}"),
            {"file": [_("Too large.")]})
    if not data:
        raise Invalid(_("The file is empty."), {"file": [_("The file is empty.")]})
    kind = kind_of(data)
    if kind is None:
        raise Invalid(_("Evidence must be a PDF, XLSX or CSV file."),
                      {"file": [_("Not a PDF, XLSX or CSV file.")]})
    evidence = EvidenceFile(request_id=request.id, filename=clean_filename(filename, kind),
                            kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                            uploaded_by_id=seller.id, uploaded_at=clock.now(), content=data)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def evidence_of(request: IssuanceRequest) -> list[EvidenceFile]:
    """A request's files, oldest first (without their bytes)."""
    return list(db.session.execute(
        sa.select(EvidenceFile).where(EvidenceFile.request_id == request.id)
        .order_by(EvidenceFile.id)).scalars())


def get_evidence(organization, request_id: int, file_id: int) -> EvidenceFile:
    """A file as the request's seller, a verifier or the registry admin may download it."""
    request = get_request(organization, request_id)
    evidence = db.session.get(EvidenceFile, file_id)
    if evidence is None or evidence.request_id != request.id:
        raise NotFound(_("No such evidence file."))
    return evidence


def download_response(evidence: EvidenceFile) -> Response:
    """The file as an attachment, never shown inline, with its SHA-256 in ``Repr-Digest``."""
    response = Response(evidence.content, mimetype=MEDIA_TYPES[evidence.kind])
    response.headers["Content-Disposition"] = content_disposition(evidence.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    digest = base64.b64encode(bytes.fromhex(evidence.sha256)).decode()
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


def content_disposition(filename: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
