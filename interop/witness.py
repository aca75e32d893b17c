"""Mutual witnessing (INTEROP.md §6): this registry cosigns its pinned peers' checkpoints,
and collects the cosignatures its peers' witnesses return for its own.

As a witness (``witness_checkpoint``): a peer's checkpoint is verified with the log key
pinned for the peer; it must be consistent (RFC 9162 consistency proof, fetched from the
peer) with the largest checkpoint of that log cosigned before; then it is cosigned
(C2SP cosignature/v1, tlog.cosignature) with the witness key, recorded, and returned to
the peer (``POST /api/v1/transparency/cosignatures``). A checkpoint of a size already
cosigned with another root, or one not consistent with the last cosigned, is a **split
view**: refused (``SplitViewRefused``), stored in ``interop_split_views`` and logged.
The unique (origin, size) row keeps the promise even against concurrent witnesses.

As a log (``accept_cosignature``): a returned cosignature is stored only when it is for
one of this registry's own checkpoints and verifies against the witness key pinned for
the peer it names; the checkpoint endpoint then serves it (tlog.checkpoints hook).
"""

import base64
import logging
import re

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask_babel import gettext as _

from core import clock
from core.db import db, transaction
from core.errors import Conflict, Invalid, NotFound
from interop import peers, witness_key
from interop.models import Peer
from interop.transport import PeerUnreachable, current_transport
from interop.witness_models import Cosignature, SplitView, WitnessedCheckpoint
from tlog import cosignature, merkle, signed_note
from tlog.models import Checkpoint

log = logging.getLogger("registry.interop.witness")
#: The largest tree size a checkpoint may name: what a BIGINT column holds.
MAX_TREE_SIZE = 2**63 - 1
TREE_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")


class SplitViewRefused(Conflict):
    """The peer's log showed a checkpoint contradicting one this witness cosigned."""

    code = "split_view"


class PeerLogError(Exception):
    """The peer's checkpoint could not be fetched or does not verify; nothing cosigned."""


def _key(encoded: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded))


def _last_cosigned(origin: str) -> WitnessedCheckpoint | None:
    return db.session.execute(
        sa.select(WitnessedCheckpoint).where(WitnessedCheckpoint.origin == origin)
        .order_by(WitnessedCheckpoint.tree_size.desc()).limit(1)).scalar()


def _record_split(origin, size, root, cosigned_root, note, reason) -> None:
    log.warning("split view refused: log %s size %s: %s", origin, size, reason)
    with transaction():
        db.session.add(SplitView(origin=origin, tree_size=size, root_hash=root,
                                 cosigned_root_hash=cosigned_root, note=note, reason=reason,
                                 detected_at=clock.now()))


def open_peer_checkpoint(peer: Peer, note: str) -> tuple[str, int, bytes]:
    """(origin, size, root) of ``note`` once it verifies with the peer's pinned log key
    and names the peer's log. PeerLogError otherwise."""
    log_info = peer.description["log"]
    try:
        origin, size, root = signed_note.open_checkpoint(
            note, log_info["key_name"], _key(peer.log_public_key))
    except (ValueError, KeyError, TypeError) as error:
        raise PeerLogError(f"checkpoint of {peer.api_base} rejected: {error}") from error
    if size > MAX_TREE_SIZE:
        raise PeerLogError(f"checkpoint of {peer.api_base} claims {size} entries")
    if origin != log_info["origin"]:
        raise PeerLogError(f"checkpoint origin {origin!r} is not {log_info['origin']!r}")
    return origin, size, root


def _consistency_hashes(peer: Peer, first: int, second: int) -> list[bytes]:
    proof = peers.fetch_json("GET", f"{peer.api_base}/transparency/proofs/consistency"
                                    f"?first={first}&second={second}")
    return [base64.b64decode(h, validate=True) for h in proof["hashes"]]


def witness_checkpoint(peer: Peer, note: str) -> WitnessedCheckpoint:
    """Verify and cosign ``note``, a checkpoint of ``peer``'s log; return the record (the
    existing one when this exact checkpoint was cosigned before).

    PeerLogError when it does not verify or its proof cannot be had; SplitViewRefused
    (409, recorded) when it contradicts what this witness cosigned before. Opens its own
    transactions (the network is asked between them).
    """
    origin, size, root = open_peer_checkpoint(peer, note)
    body = cosignature.note_body(note)
    same = db.session.execute(sa.select(WitnessedCheckpoint).where(
        WitnessedCheckpoint.origin == origin, WitnessedCheckpoint.tree_size == size)).scalar()
    if same is not None:
        if same.root_hash == root:
            return same
        _record_split(origin, size, root, same.root_hash, note,
                      "a second checkpoint of a size already cosigned, with another root")
        raise SplitViewRefused(_("Refused: the peer's log showed two different checkpoints "
                                 "of the same size."))
    last = _last_cosigned(origin)
    if last is not None and last.tree_size > size:
        raise PeerLogError(f"checkpoint of {size} entries is older than the cosigned {last.tree_size}")
    if last is not None:
        try:
            hashes = _consistency_hashes(peer, last.tree_size, size)
        except (PeerUnreachable, KeyError, TypeError, ValueError) as error:
            raise PeerLogError(f"no consistency proof from {peer.api_base}: {error}") from error
        if not merkle.verify_consistency(last.tree_size, size, last.root_hash, root, hashes):
            _record_split(origin, size, root, last.root_hash, note,
                          f"not consistent with the cosigned checkpoint of {last.tree_size}")
            raise SplitViewRefused(_("Refused: the peer's checkpoint is not consistent with "
                                     "the one cosigned before."))
    db.session.rollback()
    timestamp = int(clock.now().timestamp())
    line = cosignature.cosign(body, witness_key.witness_name(), witness_key.load_witness_key(),
                              timestamp)
    try:
        with transaction():
            record = WitnessedCheckpoint(origin=origin, tree_size=size, root_hash=root,
                                         note=note, cosignature=line, cosigned_at=clock.now())
            db.session.add(record)
    except sa.exc.IntegrityError:  # another witness run cosigned this size meanwhile
        return witness_checkpoint(peer, note)
    return record


def return_cosignature(peer: Peer, record: WitnessedCheckpoint) -> None:
    """POST the cosignature to the peer; PeerUnreachable when it does not take it."""
    peers.fetch_json("POST", f"{peer.api_base}/transparency/cosignatures",
                     {"checkpoint": record.note, "cosignature": record.cosignature},
                     expect=201)


def witness_peer(peer: Peer) -> WitnessedCheckpoint:
    """Fetch the peer's newest checkpoint, cosign it and return the cosignature."""
    url = (peer.description.get("log") or {}).get("checkpoint_url")
    # Only from the peer's own origin: a description cannot send the witness elsewhere.
    if not isinstance(url, str) or peers.origin_of(url) != peers.origin_of(peer.api_base):
        raise PeerLogError(f"{peer.api_base} describes no checkpoint URL of its own origin")
    try:
        response = current_transport().request("GET", url)
    except PeerUnreachable as error:
        raise PeerLogError(f"cannot read {url}: {error}") from error
    if response.status != 200:
        raise PeerLogError(f"{url} answered {response.status}")
    record = witness_checkpoint(peer, response.body.decode("utf-8", "replace"))
    try:
        return_cosignature(peer, record)
    except PeerUnreachable as error:
        raise PeerLogError(f"{peer.api_base} did not take the cosignature: {error}") from error
    return record


def witness_all() -> dict[str, str]:
    """Witness every pinned peer once: ``{api_base: outcome}`` (never raises per peer)."""
    outcomes = {}
    for peer in peers.list_peers():
        try:
            record = witness_peer(peer)
            outcomes[peer.api_base] = f"cosigned {record.tree_size}"
        except (PeerLogError, SplitViewRefused) as error:
            log.warning("witnessing %s: %s", peer.api_base, error)
            outcomes[peer.api_base] = f"refused: {error}"
        finally:
            db.session.rollback()
    return outcomes


def witness_job() -> None:
    """Scheduled: cosign the pinned peers' new checkpoints."""
    witness_all()


def accept_cosignature(note: str, line: str) -> Cosignature:
    """Store a pinned peer witness's cosignature of one of this registry's checkpoints.

    Invalid (422) when the note is not one of our checkpoints, or the line is not a valid
    cosignature by a pinned peer's witness; NotFound (404) for a size never signed here.
    """
    problems = {}
    try:
        name = cosignature.parse_line(line)[0]
    except ValueError:
        problems["cosignature"] = [_("Not a C2SP cosignature line.")]
    try:
        body = cosignature.note_body(note)
    except ValueError:
        problems["checkpoint"] = [_("Not a signed checkpoint note.")]
    if problems:
        raise Invalid(_("Not a cosignature of a checkpoint."), problems)
    lines = body[:-1].split("\n")
    # ASCII digits only, and a size the database can hold (a 30-digit size was a 500).
    size = int(lines[1]) if len(lines) >= 3 and TREE_SIZE.fullmatch(lines[1]) else None
    size = size if size is not None and size <= MAX_TREE_SIZE else None
    own = db.session.execute(sa.select(Checkpoint).where(Checkpoint.tree_size == size)).scalar() \
        if size is not None else None
    if own is None:
        raise NotFound(_("This registry signed no checkpoint of that size."))
    if cosignature.note_body(own.note) != body:
        raise Invalid(_("The checkpoint is not this registry's."),
                      {"checkpoint": [_("Does not match the checkpoint signed here.")]})
    witness = next((p for p in peers.list_peers()
                    if (p.description.get("witness") or {}).get("name") == name), None)
    if witness is None:
        raise Invalid(_("The cosignature is not from a pinned peer's witness."),
                      {"cosignature": [_("Unknown witness.")]})
    try:
        timestamp = cosignature.verify_line(body, line, name, _key(witness.witness_public_key))
    except ValueError:
        raise Invalid(_("The cosignature does not verify."),
                      {"cosignature": [_("Does not verify with the pinned witness key.")]}) from None
    stored = db.session.execute(sa.select(Cosignature).where(
        Cosignature.witness_name == name, Cosignature.tree_size == size)).scalar()
    if stored is None:
        stored = Cosignature(tree_size=size, witness_name=name, timestamp=timestamp, line=line,
                             received_at=clock.now())
        db.session.add(stored)
        db.session.flush()
    return stored


def cosignature_lines(tree_size: int, root_hash: bytes) -> list[str]:
    """The collected cosignature lines of our checkpoint of ``tree_size`` (tlog hook)."""
    return list(db.session.execute(sa.select(Cosignature.line).where(
        Cosignature.tree_size == tree_size).order_by(Cosignature.witness_name)).scalars())
