"""Building and signing certificate credentials (W3C VC 2.0, eddsa-jcs-2022).

One builder serves every certificate type: a retirement certificate now, event and
claim neutrality, commitments and compensation later. Each credential is signed in the
transaction that creates its subject, with the registry's current key.
"""

import json
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from certificates import keys, revocation
from certificates.dataintegrity import sign
from certificates.models import Certificate
from core.db import db
from core.errors import NotFound
from core import clock

ISSUER_NAME = "吉林省生态环境厅 · 碳惠吉林碳普惠平台"
CREDENTIAL_TYPES = {
    "retirement": "CarbonRetirementCredential",
    "event_neutrality": "CarbonNeutralEventCredential",
    "claim_neutrality": "CarbonNeutralityCredential",
    "commitment": "CarbonNeutralityCommitmentCredential",
    "compensation": "EcologicalCompensationCredential",
}


def iso(moment: datetime) -> str:
    """xsd:dateTime in UTC, to the second, as VC 2.0 examples write it."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def context_url() -> str:
    return f"{current_app.config['BASE_URL']}/contexts/registry-v1.jsonld"


def verification_url(number: str) -> str:
    return f"{current_app.config['BASE_URL']}/verify/{number}"


def issue_certificate(*, number: str, certificate_type: str, subject: dict, view: dict,
                      subject_id: int, valid_from: datetime, retirement_id: int | None = None,
                      name: str) -> Certificate:
    """Sign a credential for ``subject`` and store it with the PDF view it will render."""
    list_id, index = revocation.slot_for(number)
    key = keys.current_key()
    did = keys.issuer_did()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", context_url()],
        "id": f"{current_app.config['BASE_URL']}/certificates/{number}",
        "type": ["VerifiableCredential", CREDENTIAL_TYPES[certificate_type]],
        "name": name,
        "issuer": {"id": did, "name": ISSUER_NAME},
        "validFrom": iso(valid_from),
        "credentialSubject": {"certificateNumber": number, **subject},
        "credentialStatus": revocation.credential_status(list_id, index),
    }
    signed = sign(document, key.private_key, key.verification_method(did), iso(clock.now()))
    certificate = Certificate(
        number=number, type=certificate_type, subject_id=subject_id, retirement_id=retirement_id,
        credential=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
        verification_method=key.verification_method(did), public_key_multibase=key.multibase,
        status_list_id=list_id, status_index=index, issued_at=clock.now(),
        view={**view, "number": number, "certificate_type": certificate_type,
              "issuer_name": ISSUER_NAME, "issuer_did": did, "key_id": key.multibase,
              "verification_url": verification_url(number)},
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def get_certificate(number: str) -> Certificate:
    certificate = db.session.execute(
        sa.select(Certificate).where(Certificate.number == number)).scalar_one_or_none()
    if certificate is None:
        raise NotFound(_("No certificate %(number)s.", number=number))
    return certificate


def used_public_keys() -> list[str]:
    """Every key that ever signed a certificate (so the DID document never drops one)."""
    return list(db.session.execute(
        sa.select(Certificate.public_key_multibase).distinct()).scalars())
