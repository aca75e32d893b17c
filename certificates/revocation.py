"""Revocation through W3C Bitstring Status Lists: every certificate owns one bit."""

import json
import re

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from flask_babel import gettext as _

from certificates import keys
from certificates.dataintegrity import sign
from certificates.models import Certificate, StatusList
from certificates.status_lists import LIST_LENGTH, encode_list
from core.db import db
from core.errors import Conflict, NotFound
from core import clock


NUMBER = re.compile(r"JLC-(?P<year>\d{4})-(?P<seq>\d{6,})")


def status_list_url(list_id: int) -> str:
    return f"{current_app.config['BASE_URL']}/api/v1/status-lists/{list_id}"


def slot_for(number: str) -> tuple[int, int]:
    """(list, index) of a certificate: JLC-2026-000042 → list 2026001, index 41.

    Certificate numbers are gapless per year, so each year fills its lists in order and
    every certificate owns a distinct bit without any shared row being locked.
    """
    match = NUMBER.fullmatch(number)
    if match is None:
        raise ValueError(f"not a certificate number: {number}")
    year, seq = int(match["year"]), int(match["seq"])
    return year * 1000 + (seq - 1) // LIST_LENGTH + 1, (seq - 1) % LIST_LENGTH


def credential_status(list_id: int, index: int) -> dict:
    url = status_list_url(list_id)
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index),
            "statusListCredential": url}


def sign_status_list(status_list: StatusList) -> dict:
    """(Re)build and sign the list credential from the revoked certificates on it."""
    revoked = db.session.execute(sa.select(Certificate.status_index).where(
        Certificate.status_list_id == status_list.id, Certificate.revoked_at.is_not(None))
    ).scalars()
    url = status_list_url(status_list.id)
    now = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_did(),
        "validFrom": now,
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": status_list.purpose,
                              "encodedList": encode_list(revoked, status_list.length)},
    }
    key = keys.current_key()
    signed = sign(document, key.private_key, key.verification_method(keys.issuer_did()), now)
    status_list.credential = json.dumps(signed, ensure_ascii=False)
    status_list.updated_at = clock.now()
    return signed


def _locked_status_list(list_id: int) -> StatusList:
    """The list row, created on first use (only for lists that certificates point to)."""
    if not db.session.execute(sa.select(Certificate.id).where(
            Certificate.status_list_id == list_id).limit(1)).first():
        raise NotFound(_("No such status list."))
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(StatusList).values(
        id=list_id, purpose="revocation", length=LIST_LENGTH, updated_at=clock.now())
        .on_conflict_do_nothing(index_elements=["id"]))
    return db.session.execute(sa.select(StatusList).where(
        StatusList.id == list_id).with_for_update()).scalar_one()


def get_status_list_credential(list_id: int) -> dict:
    status_list = _locked_status_list(list_id)
    if status_list.credential is None:
        return sign_status_list(status_list)
    return json.loads(status_list.credential)


def revoke_certificate(number: str, reason: str) -> Certificate:
    """Revoke for good: set the certificate's bit and re-sign its status list."""
    certificate = db.session.execute(sa.select(Certificate).where(
        Certificate.number == number).with_for_update()).scalar_one_or_none()
    if certificate is None:
        raise NotFound(_("No such certificate."))
    if certificate.is_revoked:
        raise Conflict(_("The certificate is already revoked."))
    certificate.revoked_at, certificate.revocation_reason = clock.now(), reason
    # The cached PDF is re-rendered with its REVOKED band by the next job or request.
    certificate.pdf = certificate.pdf_sha256 = certificate.pdf_rendered_at = None
    db.session.flush()
    sign_status_list(_locked_status_list(certificate.status_list_id))
    return certificate
