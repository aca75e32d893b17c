"""Reading certificate PDFs back: the embedded credential and the PAdES signature.

Everything here reads files from strangers, so nothing may raise anything but
``NotACertificatePdf`` (or ``JSONRefused`` for a credential that is not strict JSON), and
nothing may grow without bound: the attachment is inflated by a bounded decompressor, and
every stream pyHanko inflates itself (object streams, cross-reference streams, metadata,
certificates) is bounded by ``DECODE_LIMITS`` — a stream that would inflate past its limit
(a decompression bomb) makes the file ``NotACertificatePdf``, before the memory is spent.
A PDF is the registry's only when its signer certificate is one of the published PDF
signing certificates (compared by the SHA-256 of its DER encoding).

pyHanko is imported when the first PDF is read, not with this module, so that a web
worker that never reads a PDF stays small.
"""

from __future__ import annotations

import hashlib
import zlib

from asn1crypto import x509 as asn1_x509
from flask_babel import gettext as _
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from typing import TYPE_CHECKING

from core import strict_json
# The bounds on what pyHanko may inflate of one uploaded PDF live in core.pdf_reading.
from core.pdf_reading import (MAX_DECODED_BYTES, MAX_OBJECT_STREAM_BYTES,  # noqa: F401
                              MAX_STREAM_BYTES, MiB, UnreadablePdf, decode_limits, open_pdf)

if TYPE_CHECKING:  # pragma: no cover
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError
    from pyhanko.pdf_utils.reader import PdfFileReader

# The name the renderer (certificates.pdf) gives the embedded credential. It is defined
# here so that reading a PDF (the offline verifier) does not import WeasyPrint (~1 s).
ATTACHMENT_NAME = "credential.json"

# A credential is a few KiB; anything that inflates past this is refused (a bomb).
MAX_ATTACHMENT_BYTES = 1024 * 1024


def __getattr__(name: str):
    # ``DECODE_LIMITS`` is built (importing pyHanko) on first use; a test may replace it.
    if name == "DECODE_LIMITS":
        globals()[name] = decode_limits()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _decode_limit_error() -> type:
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError

    return PdfDecodeLimitError


class NotACertificatePdf(ValueError):
    """The file is not a PDF, or carries no readable embedded credential."""


def _bomb(error: PdfDecodeLimitError) -> NotACertificatePdf:
    refused = NotACertificatePdf(_("The PDF holds a stream that inflates beyond what a "
                                   "certificate needs (a decompression bomb)."))
    refused.__cause__ = error
    return refused


def read_pdf(data: bytes) -> PdfFileReader:
    """A pyHanko reader of ``data`` whose every stream decode is bounded (``DECODE_LIMITS``)."""
    limits = globals().get("DECODE_LIMITS") or __getattr__("DECODE_LIMITS")
    try:
        return open_pdf(data, limits)
    except UnreadablePdf as error:
        if error.bomb:
            raise _bomb(error.__cause__) from error.__cause__
        raise NotACertificatePdf(_("Not a readable PDF.")) from error.__cause__


def bounded_inflate(data: bytes, limit: int = MAX_ATTACHMENT_BYTES) -> bytes:
    """zlib-inflate ``data`` to at most ``limit`` bytes; more (a bomb) or a broken stream
    is ``NotACertificatePdf``."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise NotACertificatePdf(_("The %(name)s attachment is corrupted.",
                                   name=ATTACHMENT_NAME)) from error
    if len(out) > limit or inflater.unconsumed_tail:
        raise NotACertificatePdf(_("The %(name)s attachment is larger than %(kib)s KiB.",
                                   name=ATTACHMENT_NAME, kib=limit // 1024))
    return out


def _attachment_bytes(stream) -> bytes:
    filters = stream.get("/Filter")
    filters = [] if filters is None else (list(filters) if isinstance(filters, list) else [filters])
    if stream.get("/DecodeParms") or any(str(f) != "/FlateDecode" for f in filters) \
            or len(filters) > 1:
        raise NotACertificatePdf(_("The %(name)s attachment has an unexpected encoding.",
                                   name=ATTACHMENT_NAME))
    raw = stream.encoded_data
    if not filters:
        if len(raw) > MAX_ATTACHMENT_BYTES:
            raise NotACertificatePdf(_("The %(name)s attachment is too large.",
                                       name=ATTACHMENT_NAME))
        return raw
    return bounded_inflate(raw)


def embedded_credential(reader: PdfFileReader) -> dict:
    """The credential JSON attached to the PDF as ``credential.json``, read strictly."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names), 2):
            if str(names[i]) == ATTACHMENT_NAME:
                stream = names[i + 1].get_object()["/EF"]["/F"].get_object()
                data = _attachment_bytes(stream)
                break
        else:
            raise NotACertificatePdf(_("The PDF has no %(name)s attachment.",
                                       name=ATTACHMENT_NAME))
    except NotACertificatePdf:
        raise
    except _decode_limit_error() as error:
        raise _bomb(error) from error
    except Exception as error:  # a broken PDF fails in many ways inside pyHanko
        raise NotACertificatePdf(_("No readable %(name)s attachment.",
                                   name=ATTACHMENT_NAME)) from error
    try:
        return strict_json.loads(data)
    except strict_json.JSONRefused as error:
        if error.code != "invalid_json":  # duplicate members, too deep: say so
            raise
        raise NotACertificatePdf(_("The %(name)s attachment is not JSON.",
                                   name=ATTACHMENT_NAME)) from error


def certificate_fingerprint(certificate) -> str:
    """SHA-256 (hex) of a certificate's DER: a cryptography, asn1crypto or PEM/DER input."""
    if isinstance(certificate, bytes):
        der = certificate
    elif isinstance(certificate, x509.Certificate):
        der = certificate.public_bytes(serialization.Encoding.DER)
    else:  # asn1crypto, as pyHanko hands them out
        der = certificate.dump()
    return hashlib.sha256(der).hexdigest()


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    """The certificates of a PEM bundle (the published signing certificates)."""
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise NotACertificatePdf(_("Not a PEM certificate bundle: %(error)s",
                                   error=error)) from error


def check_pdf_signature(reader: PdfFileReader, trusted_certificates=()) -> list[str]:
    """Errors of the PDF's signature: missing, broken, not covering the whole file, or not
    made with one of ``trusted_certificates`` (the registry's published signing
    certificates; required — without them no PDF is the registry's). A stream that inflates
    past ``DECODE_LIMITS`` is ``NotACertificatePdf``."""
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    trusted = {certificate_fingerprint(c) for c in trusted_certificates}
    try:
        signatures = reader.embedded_signatures
        if not signatures:
            return [_("The PDF is not signed.")]
        signature = signatures[-1]
        signer = signature.signer_cert
        context = ValidationContext(trust_roots=[
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in trusted_certificates if isinstance(c, x509.Certificate)])
        status = validate_pdf_signature(signature, context)
    except PdfDecodeLimitError as error:
        raise _bomb(error) from error
    except Exception:  # a corrupted /Contents, /ByteRange or CMS structure
        return [_("The PDF signature cannot be read (the file is damaged or altered).")]
    errors = []
    if not (status.intact and status.valid):
        errors.append(_("The PDF signature does not match the document (altered after signing)."))
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        errors.append(_("The PDF was changed after it was signed."))
    if certificate_fingerprint(signer) not in trusted:
        errors.append(_("The PDF was not signed with one of the registry's published PDF "
                        "signing certificates."))
    return errors
