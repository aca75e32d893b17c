"""Certificate PDFs: one A4 page rendered by WeasyPrint from a plain dict.

The caller (a job, after commit) passes a `view` dict of already formatted values and the
signed credential JSON; nothing here touches the database or a Flask app. The page embeds
the credential as the attachment `credential.json` and carries a QR code of the
verification URL; `certificates.pades.sign_pdf` signs the result.

Rendering goes through `core.pdf`: its data-only URL fetcher (a template or a view value
can never make WeasyPrint read a local file or call out to the network), its shared font
configuration, its compiled-once stylesheets and its render lock.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from certificates.pdf_files import ATTACHMENT_NAME
from core.formatting import format_date, format_datetime, format_kg, format_tonnes
from core.i18n import in_locale
from core.pdf import compiled_css, layout, rendering, url_fetcher

if TYPE_CHECKING:  # pragma: no cover  (WeasyPrint and segno load on the first render)
    from weasyprint import Attachment
    from weasyprint.document import Document

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "certificates/certificate.html"
STYLESHEET_PATH = TEMPLATE_DIR / "certificates" / "certificate.css"
# Serial ranges listed on the page; a longer list ends with a summary row, the full list
# being in the attached credential.
MAX_SERIAL_ROWS = 12

logger = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Marks a message id for extraction; the template translates it twice (zh_, en_)."""
    return message


# Wording per certificate type, as English message ids (Chinese in the catalog). The
# statement reads lead + beneficiary + middle + quantity + purpose + tail in each language;
# the fragments are translated whole, so each catalog entry is a part of one sentence.
CERTIFICATE_KINDS = {
    "retirement": {
        "name": N_("Retirement certificate"),
        "lead": N_("This is to certify that the 碳惠吉林 registry has retired, on behalf of"),
        "middle": N_(", carbon-inclusion reductions of"),
        "tail": N_("These units are permanently cancelled and can never be transferred or "
                   "used again."),
        "quantity": N_("Quantity retired"), "holder": N_("Retired by"),
    },
    "event_neutrality": {
        "name": N_("Carbon-neutral event certificate"),
        "lead": N_("This is to certify that"),
        "middle": N_(" has retired, under the MEE Guideline for Carbon Neutrality of "
                     "Large-scale Events (trial), carbon-inclusion reductions of"),
        "tail": N_("The greenhouse-gas emissions of the event are offset and the event is "
                   "carbon neutral."),
        "quantity": N_("Quantity offset"), "holder": N_("Retired by"),
    },
    "claim_neutrality": {
        "name": N_("Carbon-neutrality certificate"),
        "lead": N_("This is to certify that"),
        "middle": N_(" has retired carbon-inclusion reductions of"),
        "tail": N_("The greenhouse-gas emissions of the stated period are offset and carbon "
                   "neutrality is achieved."),
        "quantity": N_("Quantity offset"), "holder": N_("Retired by"),
    },
    "commitment": {
        "name": N_("Declaration of commitment"),
        "lead": N_("This is to record that"),
        "middle": N_(" has publicly committed to retire carbon-inclusion reductions of at "
                     "least"),
        "tail": N_("This is a declaration of commitment; it does not certify that any unit "
                   "has been retired."),
        "quantity": N_("Committed quantity"), "holder": N_("Declared by"),
    },
    "compensation": {
        "name": N_("Ecological-damage compensation certificate"),
        "lead": N_("This is to certify that"),
        "middle": N_(" has, as ordered, purchased and retired carbon-inclusion reductions of"),
        "tail": N_("The obligation to compensate for ecological damage is discharged by "
                   "carbon compensation (以碳代偿)."),
        "quantity": N_("Quantity retired"), "holder": N_("Retired by"),
    },
}


def serial_range(serial: dict) -> str:
    """`{lot_code}-{start:09d}-{end:09d}`, the serial notation of DOMAIN.md §2."""
    start, end = serial["serial_start"], serial["serial_end"]
    if isinstance(start, int) and isinstance(end, int):
        return f"{serial['lot_code']}-{start:09d}-{end:09d}"
    return f"{serial['lot_code']}-{start}-{end}"


def qr_svg(url: str) -> Markup:
    """The verification URL as an inline SVG QR code (error correction level M)."""
    import segno

    qr = segno.make(url, error="m", micro=False, boost_error=False)
    return Markup(qr.svg_inline(border=2, omitsize=True, dark="#111"))


@lru_cache(maxsize=1)
def _jinja_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tonnes"] = format_tonnes
    env.filters["kg"] = format_kg
    env.filters["serial_range"] = serial_range
    # Stored UTC moments (or Beijing dates) shown as Beijing dates and times.
    env.filters["date_zh"] = lambda value: format_date(value, "zh")
    env.filters["date_en"] = lambda value: format_date(value, "en")
    env.filters["datetime_zh"] = lambda value: format_datetime(value, "zh")
    env.filters["datetime_en"] = lambda value: format_datetime(value, "en")
    env.globals["zh_"] = lambda message, **variables: in_locale("zh", message, **variables)
    env.globals["en_"] = lambda message, **variables: in_locale("en", message, **variables)
    return env


def render_certificate_html(view: dict, *, compact: bool = False) -> str:
    """The certificate page as HTML (without its stylesheet), for previews and tests."""
    template = _jinja_env().get_template(TEMPLATE_NAME)
    return template.render(
        v=view,
        compact=compact,
        max_serial_rows=MAX_SERIAL_ROWS,
        certificate_kinds=CERTIFICATE_KINDS,
        qr_svg=qr_svg(view["verification_url"]),
    )


@lru_cache(maxsize=1)
def _stylesheet():
    return compiled_css(STYLESHEET_PATH.read_text(encoding="utf-8"))


def _layout(html: str) -> Document:
    return layout(html, _stylesheet())


def html_to_pdf(html: str, *, attachments: list[Attachment] | None = None) -> bytes:
    """Render certificate HTML with the shared fonts, stylesheet and data-only fetcher.

    Raises `core.pdf.ExternalResourceRefused` when the HTML references anything but
    `data:` URIs.
    """
    with rendering():
        return _layout(html).write_pdf(attachments=attachments or [])


def credential_attachment(credential_json: bytes) -> Attachment:
    """The signed credential as the PDF attachment `credential.json` (application/json)."""
    from weasyprint import Attachment

    return Attachment(
        string=credential_json,
        name=ATTACHMENT_NAME,
        description="W3C Verifiable Credential (eddsa-jcs-2022)",
        relationship="Data",
        url_fetcher=url_fetcher(),
    )


def render_certificate_pdf(view: dict, credential_json: bytes) -> bytes:
    """One A4 page for the certificate described by `view`, with `credential_json`
    embedded as `credential.json`. The result is unsigned; see `certificates.pades`.

    When the regular layout runs onto a second page (many serial ranges and long names),
    the page is laid out again in its dense variant.
    """
    if not isinstance(credential_json, bytes):
        raise TypeError("credential_json must be the exact bytes of the signed credential")
    with rendering():
        document = _layout(render_certificate_html(view))
        if len(document.pages) > 1:
            document = _layout(render_certificate_html(view, compact=True))
            if len(document.pages) > 1:
                logger.warning(
                    "certificate %s needs %d pages even in its dense layout",
                    view.get("number"), len(document.pages),
                )
        return document.write_pdf(attachments=[credential_attachment(credential_json)])
