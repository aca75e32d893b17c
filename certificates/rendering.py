"""Certificate PDFs: rendered and PAdES-signed after commit (a job, or the first request),
then cached with their SHA-256 so every download is the same signed file."""

import hashlib
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from certificates.models import Certificate
from certificates.pades import ensure_signing_material, sign_pdf
from certificates.pdf import render_certificate_pdf
from core.db import db, transaction
from core import clock


def render(view: dict, credential: str, revoked: bool) -> bytes:
    """One signed A4 page from the certificate's stored view and credential."""
    key_dir = Path(current_app.config["SIGNING_KEY_DIR"])
    ensure_signing_material(key_dir)  # generated on first use when absent
    pdf = render_certificate_pdf({**view, "revoked": revoked}, credential.encode())
    return sign_pdf(pdf, key_dir)


def ensure_pdf(number: str) -> tuple[bytes, str]:
    """The cached signed PDF of a certificate, rendering it now if the job has not."""
    row = db.session.execute(sa.select(Certificate.id, Certificate.pdf, Certificate.pdf_sha256)
                             .where(Certificate.number == number)).one_or_none()
    if row is not None and row.pdf is not None:
        return row.pdf, row.pdf_sha256
    return _render_and_store(number)


def _render_and_store(number: str) -> tuple[bytes, str]:
    certificate = db.session.execute(
        sa.select(Certificate).where(Certificate.number == number)).scalar_one()
    # Render outside the write transaction: no lock is held while WeasyPrint works.
    pdf = render(certificate.view, certificate.credential, certificate.is_revoked)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction():
        stored = db.session.execute(sa.select(Certificate).where(
            Certificate.number == number).with_for_update()).scalar_one()
        if stored.pdf is not None:  # another worker was first; serve the same file
            return stored.pdf, stored.pdf_sha256
        stored.pdf, stored.pdf_sha256, stored.pdf_rendered_at = pdf, digest, clock.now()
    return pdf, digest


def render_pending(limit: int = 50) -> int:
    """Job: render the PDFs of certificates issued since the last run."""
    numbers = list(db.session.execute(sa.select(Certificate.number).where(
        Certificate.pdf_sha256.is_(None)).order_by(Certificate.id).limit(limit)).scalars())
    db.session.rollback()
    for number in numbers:
        _render_and_store(number)
    return len(numbers)
