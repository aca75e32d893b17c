"""The public monitor of the registry's transparency log, for anyone to run.

    python -m tlog.monitor https://registry.example [--state monitor.json]
        [--witnesses N --witness NAME=BASE64KEY ... | --witness-from https://peer.example]

It uses only the public HTTP API. It fetches the log key and the signed checkpoint,
verifies the signature, pages through the whole ledger replaying every item (each
block's history must be legal, no serial retired twice), recomputes the RFC 9162
Merkle root over the RFC 8785 JSON of the items the checkpoint covers and compares it
with the signed root. With ``--state`` it remembers the last checkpoint it verified and
next time demands a consistency proof from it: a log that rewrote or forked its history
cannot pass. With ``--witnesses N`` the checkpoint must also carry valid C2SP
cosignatures (cosignature/v1) from at least N of the known witnesses, named with
``--witness NAME=KEY`` or read from other registries' self-descriptions with
``--witness-from`` (the log's own word about its witnesses is never taken). Exit status: 0 all good, 1 a violation (named), 2 the registry could not be
read or the state file is unusable.
"""

import argparse
import base64
import binascii
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from market.replay import IllegalHistory, Replay
from tlog import cosignature, merkle
from tlog.signed_note import open_checkpoint

PAGE = 1000  # the ledger's largest page


class Violation(Exception):
    """The log broke one of its promises."""


class Unreadable(Exception):
    """The registry or the state file could not be read; nothing was proven either way."""


@dataclass
class Report:
    origin: str
    tree_size: int
    root: bytes
    entries: int
    lots: int
    retired_kg: int
    previous_size: int | None
    witnesses: tuple = ()


class PublicApi:
    """GETs against the registry's public API, nothing else."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def get(self, path: str, **params) -> bytes:
        url = f"{self.base_url}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                return response.read()
        except (urllib.error.URLError, OSError) as error:
            raise Unreadable(f"cannot read {url}: {error}") from error

    def json(self, path: str, **params) -> dict:
        try:
            return json.loads(self.get(path, **params))
        except ValueError as error:
            raise Unreadable(f"{path} did not answer JSON: {error}") from error


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, TypeError) as error:
        raise Violation(f"{what} is not base64") from error


def _log_key(api: PublicApi) -> tuple[str, str, Ed25519PublicKey, str]:
    body = api.json("/api/v1/transparency/log-key")
    try:
        name, encoded = body["name"], body["public_key"]
        key = Ed25519PublicKey.from_public_bytes(_b64(encoded, "the log key"))
    except (KeyError, TypeError, ValueError) as error:
        raise Unreadable(f"the log key is unusable: {error}") from error
    return name, body.get("origin", name), key, encoded


def _replay_ledger(api: PublicApi, size: int) -> tuple[Replay, merkle.MemoryNodeStore]:
    """Replay every served item; hash the first `size` into a fresh in-memory tree."""
    replay, store, hashed, after = Replay(), merkle.MemoryNodeStore(), 0, None
    while True:
        params = {"limit": PAGE} if after is None else {"limit": PAGE, "after": after}
        items = api.json("/api/v1/ledger", **params).get("items")
        if not isinstance(items, list):
            raise Unreadable("the ledger page has no list of items")
        try:
            for item in items:
                replay.apply(item)
        except IllegalHistory as error:
            raise Violation(f"illegal ledger history: {error}") from error
        except (KeyError, TypeError) as error:
            raise Violation(f"malformed ledger item after seq {after}: {error!r}") from error
        leaves = [merkle.leaf_hash(rfc8785.dumps(item)) for item in items[:max(0, size - hashed)]]
        hashed = merkle.append_leaves(store, hashed, leaves)
        if len(items) < PAGE:
            return replay, store
        after = items[-1]["seq"]


def _load_state(path: Path | None) -> dict | None:
    if path is None or not path.exists():
        return None
    try:
        state = json.loads(path.read_text("utf-8"))
        return {"key_name": state["key_name"], "public_key": state["public_key"],
                "checkpoint": state["checkpoint"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise Unreadable(f"state file {path} is unusable: {error}") from error


def _save_state(path: Path, key_name: str, public_key: str, note: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps({"key_name": key_name, "public_key": public_key,
                                   "checkpoint": note}, indent=2) + "\n", "utf-8")
        os.replace(tmp, path)
    except OSError as error:
        raise Unreadable(f"state file {path} cannot be written: {error}") from error


def _count(text: str) -> int:
    """argparse type of ``--witnesses``: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return value


def _check_previous(api, previous: dict, key, size: int, root: bytes, store) -> int:
    """Demand a consistency proof from the checkpoint verified last time."""
    try:
        _, old_size, old_root = open_checkpoint(previous["checkpoint"], previous["key_name"], key)
    except ValueError as error:
        raise Unreadable(f"the saved checkpoint does not verify: {error}") from error
    if old_size > size:
        raise Violation(f"the log shrank: checkpoint of {size} entries after one of {old_size}")
    proof = api.json("/api/v1/transparency/proofs/consistency", first=old_size, second=size)
    hashes = [_b64(value, "a consistency proof hash") for value in proof.get("hashes", [])]
    if not merkle.verify_consistency(old_size, size, old_root, root, hashes):
        raise Violation(f"checkpoint of {size} entries is not consistent with the earlier "
                        f"checkpoint of {old_size}: the log forked or rewrote its history")
    if merkle.root(store, old_size) != old_root:
        raise Violation(f"the first {old_size} ledger items served now differ from those "
                        "the earlier checkpoint signed")
    return old_size


def _check_witnesses(note: str, witnesses: dict, required: int) -> list[str]:
    valid = cosignature.count_valid(note, witnesses)
    if len(valid) < required:
        raise Violation(f"the checkpoint carries {len(valid)} valid cosignatures from known "
                        f"witnesses ({', '.join(valid) or 'none'}); {required} required")
    return valid


def witness_from(base_url: str) -> tuple[str, Ed25519PublicKey]:
    """The witness (name, key) a registry publishes in its self-description."""
    body = PublicApi(base_url).json("/.well-known/carbon-registry.json")
    try:
        witness = body["witness"]
        return witness["name"], Ed25519PublicKey.from_public_bytes(
            _b64(witness["public_key"], "the witness key"))
    except (KeyError, TypeError, ValueError, Violation) as error:
        raise Unreadable(f"{base_url} publishes no usable witness key: {error}") from error


def run(base_url: str, state_path: Path | None = None, *, witnesses: dict | None = None,
        required_witnesses: int = 0) -> Report:
    """Check the log at `base_url`; raise Violation or Unreadable, else return what held.

    ``witnesses`` maps witness names to Ed25519 public keys; at least
    ``required_witnesses`` of them must have cosigned the served checkpoint."""
    api = PublicApi(base_url)
    name, expected_origin, key, encoded_key = _log_key(api)
    previous = _load_state(state_path)
    if previous and (previous["key_name"], previous["public_key"]) != (name, encoded_key):
        raise Violation(f"the log key changed since the last run (was {previous['key_name']} "
                        f"{previous['public_key']})")
    note = api.get("/api/v1/transparency/checkpoint").decode("utf-8", "replace")
    try:
        origin, size, root = open_checkpoint(note, name, key)
    except ValueError as error:
        raise Violation(f"checkpoint rejected: {error}") from error
    if origin != expected_origin:
        raise Violation(f"checkpoint origin {origin!r} is not the log's {expected_origin!r}")
    cosigned = _check_witnesses(note, witnesses or {}, required_witnesses) \
        if required_witnesses else []

    replay, store = _replay_ledger(api, size)
    if replay.next_seq < size:
        raise Violation(f"the checkpoint covers {size} entries but the ledger serves "
                        f"{replay.next_seq}")
    if merkle.root(store, size) != root:
        raise Violation(f"the Merkle root of the first {size} ledger items differs from the "
                        "signed checkpoint: the ledger served was altered")
    previous_size = _check_previous(api, previous, key, size, root, store) if previous else None
    if state_path is not None:
        _save_state(state_path, name, encoded_key, note)
    state = replay.state()
    return Report(origin=origin, tree_size=size, root=root, entries=replay.next_seq,
                  lots=len(state), previous_size=previous_size, witnesses=tuple(cosigned),
                  retired_kg=sum(end - start + 1 for ranges in state.values()
                                 for start, end, _, status in ranges if status == "retired"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tlog.monitor",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url",
                        help="the registry's public origin, e.g. https://registry.example")
    parser.add_argument("--state", type=Path,
                        help="JSON file keeping the last verified checkpoint between runs")
    parser.add_argument("--witnesses", type=_count, default=0, metavar="N",
                        help="require valid cosignatures from at least N known witnesses")
    parser.add_argument("--witness", action="append", default=[], metavar="NAME=KEY",
                        help="a known witness: its name and base64 Ed25519 public key")
    parser.add_argument("--witness-from", action="append", default=[], metavar="URL",
                        help="a registry whose self-described witness is known")
    args = parser.parse_args(argv)
    try:
        witnesses = {}
        for spec in args.witness:
            name, _, encoded = spec.partition("=")
            try:
                witnesses[name] = Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded))
            except ValueError:
                parser.error(f"--witness {spec!r} is not NAME=BASE64KEY")
        witnesses.update(dict(witness_from(url) for url in args.witness_from))
        report = run(args.base_url, args.state, witnesses=witnesses,
                     required_witnesses=args.witnesses)
    except Violation as error:
        print(f"VIOLATION: {error}", file=sys.stderr)
        return 1
    except Unreadable as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    print(f"log {report.origin}: checkpoint of {report.tree_size} entries, signature valid, "
          f"root {base64.b64encode(report.root).decode()} recomputed from the ledger")
    print(f"ledger: {report.entries} entries replayed over {report.lots} lots, history legal, "
          f"no serial retired twice; {report.retired_kg} kg retired")
    if report.witnesses:
        print(f"cosigned by {len(report.witnesses)} known witnesses: "
              f"{', '.join(report.witnesses)}")
    if report.previous_size is not None:
        print(f"consistent with the checkpoint of {report.previous_size} entries seen last time")
    elif args.state:
        print(f"no earlier checkpoint; this one saved to {args.state}")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
