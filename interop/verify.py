"""Offline verifier of the registry's signed interop documents:
``python -m interop.verify FILE [--did did.json]``.

FILE is a status statement (``UnitStatusStatement``, INTEROP.md §4) or a claim-check answer
(``ClaimCheckAnswer``, §5) as JSON. Its eddsa-jcs-2022 proof is checked against the
issuer's DID document (``--did``: a saved copy of ``/.well-known/did.json`` or a URL; by
default fetched from the issuer's did:web address). Prints what the statement says.

Exit status: 0 verified, 1 not verified, 2 unreadable input.
"""

import argparse
import sys
from pathlib import Path

from certificates.verify import Unreadable, did_web_url, read_json, read_source
from interop.signing import did_keys_of, verify_credential

VERIFIED, NOT_VERIFIED, UNREADABLE = 0, 1, 2
TYPES = ("UnitStatusStatement", "ClaimCheckAnswer")


def verify_document(document, did_document) -> tuple[str | None, list[str]]:
    """(type, problems) of a signed interop document against a DID document."""
    types = document.get("type") if isinstance(document, dict) else None
    kind = next((t for t in TYPES if isinstance(types, list) and t in types), None)
    if kind is None:
        return None, ["neither a UnitStatusStatement nor a ClaimCheckAnswer"]
    did = did_document.get("id") if isinstance(did_document, dict) else None
    if not isinstance(did, str):
        return kind, ["the DID document has no id"]
    return kind, verify_credential(document, did, did_keys_of(did_document), kind)


def summary(kind: str, document: dict) -> list[str]:
    subject = document.get("credentialSubject") or {}
    if kind == "ClaimCheckAnswer":
        return [f"conflicts: {len(subject.get('conflicts') or [])}"]
    lines = [f"tree size {subject.get('tree_size')}"]
    for entry in subject.get("ranges") or []:
        lines.append(f"{entry.get('lot_code')} {entry.get('serial_start')}–{entry.get('serial_end')}:")
        for piece in entry.get("pieces") or []:
            retired = piece.get("retirement") or {}
            lines.append(f"  {piece.get('serial_start')}–{piece.get('serial_end')} "
                         f"{piece.get('state')} {piece.get('holder_name') or ''} "
                         f"{retired.get('number') or ''}".rstrip())
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m interop.verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--did", help="the issuer's DID document: a file or URL")
    args = parser.parse_args(argv)
    try:
        document = read_json(read_source(str(args.file), "the document"), "the document")
        issuer = document.get("issuer") if isinstance(document, dict) else None
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if not args.did and not isinstance(issuer_id, str):
            raise Unreadable("the document names no issuer")
        did_source = args.did or did_web_url(issuer_id)
        did_document = read_json(read_source(did_source, "the DID document"), "the DID document")
    except Unreadable as error:
        print(f"unreadable: {error}", file=sys.stderr)
        return UNREADABLE
    kind, problems = verify_document(document, did_document)
    if problems:
        print("NOT VERIFIED: " + "; ".join(problems))
        return NOT_VERIFIED
    print(f"VERIFIED {kind} issued by {issuer_id} at {document.get('validFrom')}")
    for line in summary(kind, document):
        print(line)
    return VERIFIED


if __name__ == "__main__":
    sys.exit(main())
