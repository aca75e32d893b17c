"""Offline certificate verifier: ``python -m certificates.verify FILE [--did did.json]``.

FILE is a certificate PDF or its credential JSON. With ``--did`` (a saved copy of the
registry's ``/.well-known/did.json``) nothing is fetched: the eddsa-jcs-2022 proof is
checked against the published keys, and a PDF's PAdES signature against the file.
Without ``--did`` the DID document is fetched from the issuer's did:web address.
Exit status 0 means verified.
"""

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from urllib.parse import unquote

from certificates.pdf_files import NotACertificatePdf, check_pdf_signature, embedded_credential, read_pdf
from certificates.verification import check_signature, keys_from_did_document


def did_web_url(did: str) -> str:
    """did:web:host%3Aport:path → https://host:port/path/did.json (or /.well-known/)."""
    parts = did.split(":")[2:]
    host, path = unquote(parts[0]), "/".join(parts[1:])
    scheme = "http" if host.startswith(("127.0.0.1", "localhost")) else "https"
    return f"{scheme}://{host}/{path}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"


def load_document(path: Path) -> tuple[dict, list[str]]:
    """The credential in FILE, and the PDF signature's problems (none for JSON)."""
    data = path.read_bytes()
    if data.lstrip()[:5] == b"%PDF-":
        reader = read_pdf(data)
        return embedded_credential(reader), check_pdf_signature(reader)
    document = json.loads(data)
    if isinstance(document, dict) and "proof" not in document and "credential" in document:
        document = document["credential"]
    return document, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m certificates.verify", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="certificate PDF or credential JSON")
    parser.add_argument("--did", help="the issuer's DID document (file path or URL)")
    args = parser.parse_args(argv)
    try:
        credential, pdf_errors = load_document(args.file)
    except (OSError, ValueError, NotACertificatePdf) as error:
        print(f"✘ cannot read {args.file}: {error}")
        return 2
    issuer = credential.get("issuer") if isinstance(credential, dict) else None
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    try:
        source = args.did or did_web_url(str(issuer_id))
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=10) as response:  # noqa: S310
                did_document = json.load(response)
        else:
            did_document = json.loads(Path(source).read_text())
    except (OSError, ValueError, IndexError) as error:
        print(f"✘ cannot load the issuer's DID document: {error}")
        return 2
    errors = pdf_errors + check_signature(credential, keys_from_did_document(did_document))
    subject = credential.get("credentialSubject", {}) if isinstance(credential, dict) else {}
    print(f"certificate {subject.get('certificateNumber')} issued by {issuer_id}")
    if args.file.suffix.lower() == ".pdf" or pdf_errors:
        print(f"  PDF signature: {'failed' if pdf_errors else 'passed'}")
    print(f"  credential signature (eddsa-jcs-2022): "
          f"{'failed' if len(errors) > len(pdf_errors) else 'passed'}")
    print("  revocation status and ledger: check online at the verification URL")
    for error in errors:
        print(f"  ✘ {error}")
    print("✔ verified" if not errors else "✘ NOT verified")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
