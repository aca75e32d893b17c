"""Revocation through W3C Bitstring Status Lists: every certificate owns one bit."""

import json

import sqlalchemy as sa
from flask import current_app

from certificates import keys
from certificates.dataintegrity import sign
from certificates.models import Certificate, StatusList
from certificates.status_lists import LIST_LENGTH, encode_list
from core.db import db
from core.errors import Conflict, NotFound
from market import clock


def status_list_url(list_id: int) -> str:
    return f"{current_app.config['BASE_URL']}/api/v1/status-lists/{list_id}"


def allocate_slot() -> tuple[int, int]:
    """The next free (list, index), opening a new list when the current one is full."""
    current = db.session.execute(
        sa.select(StatusList).order_by(StatusList.id.desc()).limit(1).with_for_update()
    ).scalar_one_or_none()
    if current is None or current.next_index >= current.length:
        current = StatusList(purpose="revocation", length=LIST_LENGTH, next_index=0,
                             updated_at=clock.now())
        db.session.add(current)
        db.session.flush()
    index = current.next_index
    current.next_index += 1
    return current.id, index


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


def get_status_list_credential(list_id: int) -> dict:
    status_list = db.session.get(StatusList, list_id)
    if status_list is None:
        raise NotFound("No such status list.")
    if status_list.credential is None:
        return sign_status_list(status_list)
    return json.loads(status_list.credential)


def revoke_certificate(number: str, reason: str) -> Certificate:
    """Revoke for good: set the certificate's bit and re-sign its status list."""
    certificate = db.session.execute(sa.select(Certificate).where(
        Certificate.number == number).with_for_update()).scalar_one_or_none()
    if certificate is None:
        raise NotFound("No such certificate.")
    if certificate.is_revoked:
        raise Conflict("The certificate is already revoked.")
    certificate.revoked_at, certificate.revocation_reason = clock.now(), reason
    # The cached PDF is re-rendered with its REVOKED band by the next job or request.
    certificate.pdf = certificate.pdf_sha256 = certificate.pdf_rendered_at = None
    db.session.flush()
    status_list = db.session.execute(sa.select(StatusList).where(
        StatusList.id == certificate.status_list_id).with_for_update()).scalar_one()
    sign_status_list(status_list)
    return certificate
