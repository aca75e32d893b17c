"""PAdES signatures on certificate PDFs.

The registry signs every certificate PDF with an EC P-256 key and a self-signed X.509
certificate naming 碳惠吉林 and the provincial Department of Ecology and Environment. The
signature is added as an incremental update, so the page and the embedded
`credential.json` stay byte for byte as rendered; any later change to the signed bytes
makes PDF readers (and `pdfsig`) report the signature invalid. Signing is offline: no
timestamp authority, no revocation fetching.

pyHanko is imported when a PDF is first signed, not with this module.
"""

from __future__ import annotations

import datetime
import os
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pyhanko.sign import signers

KEY_FILE = "pdf-signing-key.pem"
CERT_FILE = "pdf-signing-cert.pem"
# Certificates that signed PDFs before the current one: kept here (one PEM file each) when
# the signing material is replaced, so that they stay published and old PDFs verify.
PREVIOUS_CERTS_FOLDER = "pdf-signing-certs"
CERT_VALIDITY = datetime.timedelta(days=3653)  # ten years, leap days included
SIGNATURE_FIELD = "RegistrySignature"
DEFAULT_REASON = "碳惠吉林 certificate issued by the registry / 碳惠吉林平台签发证书"
# CMS bytes reserved in the file. Giving pyHanko a size up front saves it a dummy signing
# round to estimate one; a P-256 signature with its certificate needs about 1.5 KiB.
SIGNATURE_BYTES_RESERVED = 8192


class SigningMaterialError(RuntimeError):
    """The PDF signing key or certificate is missing or does not belong together."""


def _subject() -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "吉林省生态环境厅"),
        x509.NameAttribute(NameOID.COMMON_NAME, "碳惠吉林 Carbon-Inclusion Registry"),
    ])


def _self_signed_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(_subject())
        .issuer_name(_subject())
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def _write_new(path: Path, data: bytes, mode: int) -> None:
    # O_EXCL: a file that appeared meanwhile (another worker) is never overwritten.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def ensure_signing_material(key_dir: Path) -> None:
    """Create the PDF signing key (`pdf-signing-key.pem`, mode 0600) and its self-signed
    certificate (`pdf-signing-cert.pem`) in `key_dir` when they are absent.

    Existing files are never overwritten. A key without a certificate gets one; a
    certificate without its key is an error, since no new key could match it.
    """
    key_dir = Path(key_dir)
    key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path, cert_path = key_dir / KEY_FILE, key_dir / CERT_FILE
    if cert_path.exists() and not key_path.exists():
        raise SigningMaterialError(f"{cert_path} exists but its key {key_path} is missing")
    if not key_path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            _write_new(key_path, pem, 0o600)
        except FileExistsError:
            pass
    if not cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise SigningMaterialError(f"{key_path} is not an EC private key")
        pem = _self_signed_certificate(key).public_bytes(serialization.Encoding.PEM)
        try:
            _write_new(cert_path, pem, 0o644)
        except FileExistsError:
            pass


@lru_cache(maxsize=8)
def _load_signer(key_path: str, cert_path: str, _stamp: tuple) -> signers.SimpleSigner:
    # `_stamp` (file mtimes and sizes) is part of the cache key, so replaced files are reloaded.
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(key_path, cert_path)
    if signer is None:
        raise SigningMaterialError(f"cannot load the PDF signing key {key_path} or {cert_path}")
    return signer


def load_signer(key_dir: Path) -> signers.SimpleSigner:
    """The pyHanko signer for `key_dir`, loaded once and reused while its files are unchanged."""
    key_path, cert_path = Path(key_dir) / KEY_FILE, Path(key_dir) / CERT_FILE
    try:
        key_stat, cert_stat = key_path.stat(), cert_path.stat()
    except FileNotFoundError as error:
        raise SigningMaterialError(
            f"PDF signing material missing in {key_dir}; run ensure_signing_material first"
        ) from error
    stamp = (key_stat.st_mtime_ns, key_stat.st_size, cert_stat.st_mtime_ns, cert_stat.st_size)
    return _load_signer(str(key_path.resolve()), str(cert_path.resolve()), stamp)


def signature_metadata(reason: str, location: str) -> signers.PdfSignatureMetadata:
    """PAdES baseline signature, SHA-256, certifying the document against any change."""
    from pyhanko.sign import fields, signers

    return signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )


def sign_pdf(
    pdf_bytes: bytes,
    key_dir: Path,
    *,
    reason: str = DEFAULT_REASON,
    location: str = "Changchun, Jilin",
) -> bytes:
    """Sign `pdf_bytes` (PAdES, SHA-256, ECDSA P-256) with the key in `key_dir`, appending
    the signature as an incremental update; return the signed PDF."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = load_signer(key_dir)
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    pdf_signer = signers.PdfSigner(signature_metadata(reason, location), signer=signer)
    output = pdf_signer.sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES_RESERVED)
    return output.getvalue()


def published_certificates(key_dir: Path) -> list[x509.Certificate]:
    """Every PDF signing certificate ever used: the current one and those kept in
    ``PREVIOUS_CERTS_FOLDER``, oldest first (by validity start), each once."""
    key_dir = Path(key_dir)
    ensure_signing_material(key_dir)
    paths = [key_dir / CERT_FILE, *sorted((key_dir / PREVIOUS_CERTS_FOLDER).glob("*.pem"))]
    found = {}
    for path in paths:
        for certificate in x509.load_pem_x509_certificates(path.read_bytes()):
            found.setdefault(certificate.fingerprint(hashes.SHA256()), certificate)
    return sorted(found.values(), key=lambda c: c.not_valid_before_utc)


def published_certificates_pem(key_dir: Path) -> bytes:
    """The published bundle: every PDF signing certificate as PEM, oldest first."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM)
                    for c in published_certificates(key_dir))
