"""Opening a PDF from a stranger with pyHanko, every stream it inflates bounded.

Used by every layer that takes PDF files (certificates to verify, evidence of issuance
requests, case documents). pyHanko's own defaults allow 256 MiB a stream and 100 × the
file in all (1 GiB for a 10 MiB upload); here one uploaded PDF (at most 10 MiB) may
inflate a few tens of MiB at most, so a decompression bomb is refused after a few MiB.
The registry's own certificates decode to well under 1 MiB per stream and a few MiB in
all (fonts are subset).

pyHanko is imported when the first PDF is opened, not with this module, so that a web
worker that never reads a PDF stays small.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pyhanko.pdf_utils.reader import PdfFileReader

MiB = 1024 * 1024
MAX_STREAM_BYTES = 16 * MiB
MAX_OBJECT_STREAM_BYTES = 4 * MiB
MAX_DECODED_BYTES = 32 * MiB


class UnreadablePdf(ValueError):
    """Not a PDF pyHanko can open; ``bomb`` when a stream would inflate past its limit."""

    def __init__(self, *, bomb: bool):
        super().__init__("decompression bomb" if bomb else "unreadable PDF")
        self.bomb = bomb


def decode_limits():
    """The ``DecodeLimits`` for a stranger's PDF (a new object each call)."""
    from pyhanko.pdf_utils.decode_limits import (DEFAULT_PURPOSE_LIMITS, DecodeLimits,
                                                 DecodePurpose, DocumentDecodeBudget,
                                                 StreamDecodeLimits)

    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_ratio=1100, ratio_floor=MiB,
                                      max_output_size=MAX_STREAM_BYTES),
        per_purpose={
            **DEFAULT_PURPOSE_LIMITS,
            DecodePurpose.OBJECT_STREAM: StreamDecodeLimits(
                max_ratio=100, ratio_floor=MiB, max_output_size=MAX_OBJECT_STREAM_BYTES),
            DecodePurpose.XREF_STREAM: StreamDecodeLimits(
                max_ratio=100, ratio_floor=MiB, max_output_size=MAX_OBJECT_STREAM_BYTES),
            DecodePurpose.XMP_METADATA: StreamDecodeLimits(max_ratio=None, max_output_size=MiB),
        },
        document_budget=DocumentDecodeBudget(base_allowance=MAX_DECODED_BYTES, max_ratio=3),
    )


def open_pdf(data: bytes, limits=None) -> PdfFileReader:
    """A lenient pyHanko reader of ``data`` (``strict=False``: what viewers repair) with
    ``limits`` (``decode_limits()`` unless given); ``UnreadablePdf`` for anything else."""
    import warnings

    from pyhanko.pdf_utils.misc import PdfDecodeLimitError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return PdfFileReader(io.BytesIO(data), strict=False,
                                 decode_limits=limits or decode_limits())
    except PdfDecodeLimitError as error:
        raise UnreadablePdf(bomb=True) from error
    except Exception as error:  # pyHanko raises many kinds for broken files
        raise UnreadablePdf(bomb=False) from error


def has_catalog(data: bytes) -> bool:
    """Whether ``data`` opens as a PDF whose cross-reference table leads to its catalog
    (a truncated download, or another file given a PDF header, does not)."""
    try:
        return open_pdf(data).root.get("/Type") == "/Catalog"
    except Exception:  # UnreadablePdf, or pyHanko failing on the root's objects
        return False
