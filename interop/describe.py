"""The registry's self-description, ``/.well-known/carbon-registry.json`` (INTEROP.md §1).

Everything a peer needs to recognise this registry: names, region (GB/T 2260), the
issuer DID, the API base, the transparency log's identity and key, where the PDF signing
certificates are published, the witness key, and the peers pinned here.
"""

import sqlalchemy as sa
from flask import current_app

from certificates import keys
from core.db import db
from interop import witness_key
from interop.models import Peer
from tlog import checkpoints

WELL_KNOWN_PATH = "/.well-known/carbon-registry.json"
API_PREFIX = "/api/v1"


def own_api_base() -> str:
    """This registry's API base URL: BASE_URL + ``/api/v1``."""
    return current_app.config["BASE_URL"] + API_PREFIX


def describe_registry() -> dict:
    """``{name_zh, name_en, region, did, api_base, log: {origin, key_name, public_key,
    checkpoint_url}, pdf_certificates_url, witness: {name, public_key}, peers: [{did,
    api_base, region}]}``. Public keys are raw Ed25519 in standard base64."""
    config = current_app.config
    # Peers verify signed answers against the DID document: it must list a key already.
    keys.current_key()
    log = checkpoints.public_key_info()
    peers = db.session.execute(sa.select(Peer).order_by(Peer.id)).scalars()
    return {
        "name_zh": config["REGISTRY_NAME_ZH"],
        "name_en": config["REGISTRY_NAME_EN"],
        "region": config["REGISTRY_REGION"],
        "did": keys.issuer_did(),
        "api_base": own_api_base(),
        "log": {"origin": log["origin"], "key_name": log["name"],
                "public_key": log["public_key"],
                "checkpoint_url": own_api_base() + "/transparency/checkpoint"},
        "pdf_certificates_url": keys.pdf_signing_certificates_url(),
        "witness": {"name": witness_key.witness_name(),
                    "public_key": witness_key.public_key_base64()},
        "peers": [{"did": p.did, "api_base": p.api_base, "region": p.region} for p in peers],
    }
