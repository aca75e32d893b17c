"""Pinned peers (INTEROP.md §1): an administrator names another registry's API base; the
registry fetches its self-description and DID document and keeps them with its keys.

Fetching happens before the transaction (``fetch_peer``), storing inside it
(``pin_peer``). A peer's keys never change silently: pinning again with different keys is
refused (409 ``peer_key_changed``) unless the administrator confirms the change.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from certificates import keys
from certificates.dataintegrity import public_key_from_multibase
from core import clock
from core.db import db
from core.errors import Conflict, Invalid, NotFound
from core.strict_json import JSONRefused, loads
from interop.describe import WELL_KNOWN_PATH
from interop.models import Peer
from interop.transport import PeerUnreachable, current_transport

REGION = re.compile(r"[0-9]{6}")
BASE64_KEY = re.compile(r"[A-Za-z0-9+/]{43}=")


class PeerKeyChanged(Conflict):
    code = "peer_key_changed"


@dataclass(frozen=True)
class FetchedPeer:
    api_base: str
    description: dict
    did_document: dict
    did_keys: list[str]


def origin_of(api_base: str) -> str:
    parts = urlsplit(api_base)
    return f"{parts.scheme}://{parts.netloc}"


def fetch_json(method: str, url: str, json=None, *, expect: int = 200):
    """A peer's JSON answer, parsed strictly; PeerUnreachable for anything else."""
    response = current_transport().request(method, url, json)
    if response.status != expect:
        raise PeerUnreachable(f"{url} answered {response.status}")
    try:
        return loads(response.body)
    except (JSONRefused, ValueError, UnicodeDecodeError) as error:
        raise PeerUnreachable(f"{url} answered no JSON: {error}") from error


def _refuse(message: str):
    raise Invalid(message, {"api_base": [message]})


def _did_keys(document: dict, did: str) -> list[str]:
    found = []
    for method in document.get("verificationMethod") or []:
        if not isinstance(method, dict) or method.get("controller") != did:
            continue
        value = method.get("publicKeyMultibase")
        try:
            public_key_from_multibase(value)
        except (ValueError, TypeError):
            continue
        found.append(value)
    return found


def _check_description(description, api_base: str) -> None:
    if not isinstance(description, dict):
        _refuse(_("The peer's self-description is not valid."))
    log, witness = description.get("log"), description.get("witness")
    valid = (
        description.get("api_base") == api_base
        and isinstance(description.get("did"), str)
        and description["did"] == keys.issuer_did(origin_of(api_base))
        and isinstance(description.get("region"), str) and REGION.fullmatch(description["region"])
        and all(isinstance(description.get(k), str) and description[k].strip()
                for k in ("name_zh", "name_en"))
        and isinstance(log, dict) and isinstance(log.get("public_key"), str)
        and BASE64_KEY.fullmatch(log["public_key"])
        and isinstance(witness, dict) and isinstance(witness.get("public_key"), str)
        and BASE64_KEY.fullmatch(witness["public_key"]))
    if not valid:
        _refuse(_("The peer's self-description is not valid."))


def fetch_peer(api_base: str) -> FetchedPeer:
    """Fetch ``{origin}/.well-known/carbon-registry.json`` and ``{origin}/.well-known/did.json``
    of the registry at ``api_base`` and check them: the description names this api_base,
    its DID is the did:web of the api_base's host, and the DID document lists at least one
    Ed25519 Multikey. Invalid (422 on ``api_base``) when unreachable or not a registry."""
    api_base = api_base.rstrip("/")
    origin = origin_of(api_base)
    try:
        description = fetch_json("GET", origin + WELL_KNOWN_PATH)
        did_document = fetch_json("GET", origin + "/.well-known/did.json")
    except PeerUnreachable:
        _refuse(_("No registry answered at this address."))
    _check_description(description, api_base)
    if description["did"] == keys.issuer_did():
        _refuse(_("This is this registry's own address."))
    did_keys = _did_keys(did_document, description["did"]) \
        if isinstance(did_document, dict) and did_document.get("id") == description["did"] else []
    if not did_keys:
        _refuse(_("The peer's DID document lists no usable key."))
    return FetchedPeer(api_base, description, did_document, did_keys)


def pin_peer(admin, fetched: FetchedPeer, *, confirm_key_change: bool = False) -> Peer:
    """Store a fetched peer, or refresh a pinned one (same DID or api_base).

    Raises PeerKeyChanged (409) when a pinned peer's DID keys, log key or witness key
    differ and ``confirm_key_change`` is not given; with it, the new keys replace the old
    and ``key_changes`` counts the change.
    """
    description = fetched.description
    peer = db.session.execute(sa.select(Peer).where(sa.or_(
        Peer.did == description["did"], Peer.api_base == fetched.api_base))
        .with_for_update()).scalars().first()
    new_keys = {"did_keys": sorted(fetched.did_keys),
                "log_public_key": description["log"]["public_key"],
                "witness_public_key": description["witness"]["public_key"]}
    if peer is None:
        peer = Peer(pinned_by_id=admin.id, key_changes=0)
        db.session.add(peer)
    elif peer.keys() != new_keys:
        changed = sorted(k for k in new_keys if peer.keys()[k] != new_keys[k])
        if not confirm_key_change:
            message = _("The peer's keys have changed; pin it again and confirm the change.")
            raise PeerKeyChanged(message, {name: [message] for name in changed})
        peer.key_changes += 1
    peer.did, peer.api_base = description["did"], fetched.api_base
    peer.region = description["region"]
    peer.name_zh, peer.name_en = description["name_zh"][:200], description["name_en"][:200]
    peer.description, peer.did_document = description, fetched.did_document
    peer.did_keys = new_keys["did_keys"]
    peer.log_public_key = new_keys["log_public_key"]
    peer.witness_public_key = new_keys["witness_public_key"]
    peer.pinned_by_id, peer.pinned_at = admin.id, clock.now()
    db.session.flush()
    return peer


def list_peers() -> list[Peer]:
    """Every pinned peer, first pinned first."""
    return list(db.session.execute(sa.select(Peer).order_by(Peer.id)).scalars())


def get_peer_by_did(did: str) -> Peer:
    peer = db.session.execute(sa.select(Peer).where(Peer.did == did)).scalar_one_or_none()
    if peer is None:
        raise NotFound(_("No such peer."))
    return peer
