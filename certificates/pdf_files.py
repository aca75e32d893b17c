"""Reading certificate PDFs back: the embedded credential and the PAdES signature."""

import io
import json

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from certificates.pdf import ATTACHMENT_NAME


class NotACertificatePdf(ValueError):
    """The file is not a PDF, or carries no embedded credential."""


def read_pdf(data: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as error:  # pyHanko raises many kinds for broken files
        raise NotACertificatePdf(f"Not a readable PDF: {error}") from error


def embedded_credential(reader: PdfFileReader) -> dict:
    """The credential JSON attached to the PDF as ``credential.json``."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names), 2):
            if str(names[i]) == ATTACHMENT_NAME:
                stream = names[i + 1].get_object()["/EF"]["/F"].get_object()
                return json.loads(stream.data)
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise NotACertificatePdf(f"No readable {ATTACHMENT_NAME} attachment: {error}") from error
    raise NotACertificatePdf(f"The PDF has no {ATTACHMENT_NAME} attachment.")


def check_pdf_signature(reader: PdfFileReader, trusted_certificates=()) -> list[str]:
    """Errors of the PDF's signature: missing, broken, not covering the whole file, or
    (when trust roots are given) not made by the registry's certificate."""
    signatures = reader.embedded_signatures
    if not signatures:
        return ["The PDF is not signed."]
    try:
        context = ValidationContext(trust_roots=list(trusted_certificates)) \
            if trusted_certificates else None
        status = validate_pdf_signature(signatures[-1], context)
    except Exception as error:
        return [f"The PDF signature cannot be validated: {error}"]
    errors = []
    if not (status.intact and status.valid):
        errors.append("The PDF signature does not match the document (altered after signing).")
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        errors.append("The PDF was changed after it was signed.")
    if trusted_certificates and not status.trusted:
        errors.append("The PDF was not signed by the registry.")
    return errors
