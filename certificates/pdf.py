"""Certificate PDFs: one A4 page rendered by WeasyPrint from a plain dict.

The caller (a job, after commit) passes a `view` dict of already formatted values and the
signed credential JSON; nothing here touches the database or a Flask app. The page embeds
the credential as the attachment `credential.json` and carries a QR code of the
verification URL; `certificates.pades.sign_pdf` signs the result.

WeasyPrint may load nothing from outside: its URL fetcher accepts `data:` URIs only, so a
template or a view value can never make the renderer read a local file or call out to the
network. The font configuration and the compiled stylesheet are built once per process
(about a quarter of the render time otherwise).
"""

import logging
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import jinja2
import segno
from markupsafe import Markup
from weasyprint import CSS, HTML, Attachment
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from core.formatting import format_kg, format_tonnes

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "certificates/certificate.html"
STYLESHEET_PATH = TEMPLATE_DIR / "certificates" / "certificate.css"
ATTACHMENT_NAME = "credential.json"
# Serial ranges listed on the page; a longer list ends with a summary row, the full list
# being in the attached credential.
MAX_SERIAL_ROWS = 12

logger = logging.getLogger(__name__)

# Wording per certificate type. The statement reads
# lead + beneficiary + middle + quantity + purpose + tail, in Chinese and in English.
CERTIFICATE_KINDS = {
    "retirement": {
        "name_zh": "减排量注销证明", "name_en": "Retirement certificate",
        "lead_zh": "兹证明，碳惠吉林平台已为",
        "middle_zh": "注销碳普惠减排量",
        "tail_zh": "上述减排量已永久注销，不得再次转让或使用。",
        "lead_en": "This is to certify that the 碳惠吉林 registry has retired, on behalf of",
        "middle_en": ", carbon-inclusion reductions of",
        "tail_en": "These units are permanently cancelled and can never be transferred or "
                   "used again.",
        "quantity_zh": "注销量", "quantity_en": "Quantity retired",
        "holder_zh": "注销方", "holder_en": "Retired by",
    },
    "event_neutrality": {
        "name_zh": "大型活动碳中和证明", "name_en": "Carbon-neutral event certificate",
        "lead_zh": "兹证明，",
        "middle_zh": "已依据《大型活动碳中和实施指南（试行）》注销碳普惠减排量",
        "tail_zh": "该活动的温室气体排放已得到抵消，实现碳中和。",
        "lead_en": "This is to certify that",
        "middle_en": " has retired, under the MEE Guideline for Carbon Neutrality of Large-scale"
                     " Events (trial), carbon-inclusion reductions of",
        "tail_en": "The greenhouse-gas emissions of the event are offset and the event is "
                   "carbon neutral.",
        "quantity_zh": "抵消量", "quantity_en": "Quantity offset",
        "holder_zh": "注销方", "holder_en": "Retired by",
    },
    "claim_neutrality": {
        "name_zh": "碳中和证明", "name_en": "Carbon-neutrality certificate",
        "lead_zh": "兹证明，",
        "middle_zh": "已注销碳普惠减排量",
        "tail_zh": "所述期间的温室气体排放已得到抵消，实现碳中和。",
        "lead_en": "This is to certify that",
        "middle_en": " has retired carbon-inclusion reductions of",
        "tail_en": "The greenhouse-gas emissions of the stated period are offset and carbon "
                   "neutrality is achieved.",
        "quantity_zh": "抵消量", "quantity_en": "Quantity offset",
        "holder_zh": "注销方", "holder_en": "Retired by",
    },
    "commitment": {
        "name_zh": "碳中和承诺声明", "name_en": "Declaration of commitment",
        "lead_zh": "兹声明，",
        "middle_zh": "已公开承诺按期注销碳普惠减排量不少于",
        "tail_zh": "本声明为承诺声明，不代表减排量已经注销。",
        "lead_en": "This is to record that",
        "middle_en": " has publicly committed to retire carbon-inclusion reductions of at least",
        "tail_en": "This is a declaration of commitment; it does not certify that any unit "
                   "has been retired.",
        "quantity_zh": "承诺抵消量", "quantity_en": "Committed quantity",
        "holder_zh": "声明方", "holder_en": "Declared by",
    },
    "compensation": {
        "name_zh": "以碳代偿证明", "name_en": "Ecological-damage compensation certificate",
        "lead_zh": "兹证明，",
        "middle_zh": "已依照生效裁判认购并注销碳普惠减排量",
        "tail_zh": "以碳代偿方式履行生态环境损害赔偿责任。",
        "lead_en": "This is to certify that",
        "middle_en": " has, as ordered, purchased and retired carbon-inclusion reductions of",
        "tail_en": "The obligation to compensate for ecological damage is discharged by "
                   "carbon compensation (以碳代偿).",
        "quantity_zh": "注销量", "quantity_en": "Quantity retired",
        "holder_zh": "注销方", "holder_en": "Retired by",
    },
}


class ExternalResourceRefused(ValueError):
    """A certificate tried to load a resource that is not an inline `data:` URI."""


class DataOnlyURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves `data:` URIs and refuses everything else.

    `fail_on_errors` turns a refusal into a fatal error, so a template that references a
    file or a remote URL fails loudly instead of rendering with a hole in it. Refusals are
    also remembered, because WeasyPrint swallows errors inside inline SVG.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("data",), fail_on_errors=True)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if not url.strip().lower().startswith("data:"):
            self.refused.append(url)
            raise ExternalResourceRefused(_refusal_message(url))
        return super().fetch(url, headers)


def _refusal_message(url: str) -> str:
    return f"certificate rendering loads only data: URIs; refused {url[:200]!r}"


def serial_range(serial: dict) -> str:
    """`{lot_code}-{start:09d}-{end:09d}`, the serial notation of DOMAIN.md §2."""
    start, end = serial["serial_start"], serial["serial_end"]
    if isinstance(start, int) and isinstance(end, int):
        return f"{serial['lot_code']}-{start:09d}-{end:09d}"
    return f"{serial['lot_code']}-{start}-{end}"


def qr_svg(url: str) -> Markup:
    """The verification URL as an inline SVG QR code (error correction level M)."""
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
    return env


@lru_cache(maxsize=1)
def _fetcher() -> DataOnlyURLFetcher:
    return DataOnlyURLFetcher()


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    return CSS(
        string=STYLESHEET_PATH.read_text(encoding="utf-8"),
        font_config=_font_config(),
        url_fetcher=_fetcher(),
    )


# One FontConfiguration is shared by every render; Pango's font map is not made for
# concurrent use, so renders in one process take turns.
_render_lock = threading.Lock()


@contextmanager
def _rendering():
    """Take the render lock; report any refused fetch as `ExternalResourceRefused`.

    WeasyPrint wraps fatal fetch errors in `FatalURLFetchingError`, a BaseException, and
    ignores errors inside inline SVG; the fetcher's own record catches those too.
    """
    fetcher = _fetcher()
    with _render_lock:
        fetcher.refused.clear()
        try:
            yield
        except FatalURLFetchingError as error:
            if isinstance(error.__cause__, ExternalResourceRefused):
                raise error.__cause__ from None
            raise RuntimeError(f"certificate rendering failed: {error}") from error.__cause__
        if fetcher.refused:
            raise ExternalResourceRefused(_refusal_message(fetcher.refused[0]))


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


def _layout(html: str) -> Document:
    return HTML(string=html, url_fetcher=_fetcher()).render(
        stylesheets=[_stylesheet()], font_config=_font_config()
    )


def html_to_pdf(html: str, *, attachments: list[Attachment] | None = None) -> bytes:
    """Render certificate HTML with the shared fonts, stylesheet and data-only fetcher.

    Raises `ExternalResourceRefused` when the HTML references anything but `data:` URIs.
    """
    with _rendering():
        return _layout(html).write_pdf(attachments=attachments or [])


def credential_attachment(credential_json: bytes) -> Attachment:
    """The signed credential as the PDF attachment `credential.json` (application/json)."""
    return Attachment(
        string=credential_json,
        name=ATTACHMENT_NAME,
        description="W3C Verifiable Credential (eddsa-jcs-2022)",
        relationship="Data",
        url_fetcher=_fetcher(),
    )


def render_certificate_pdf(view: dict, credential_json: bytes) -> bytes:
    """One A4 page for the certificate described by `view`, with `credential_json`
    embedded as `credential.json`. The result is unsigned; see `certificates.pades`.

    When the regular layout runs onto a second page (many serial ranges and long names),
    the page is laid out again in its dense variant.
    """
    if not isinstance(credential_json, bytes):
        raise TypeError("credential_json must be the exact bytes of the signed credential")
    with _rendering():
        document = _layout(render_certificate_html(view))
        if len(document.pages) > 1:
            document = _layout(render_certificate_html(view, compact=True))
            if len(document.pages) > 1:
                logger.warning(
                    "certificate %s needs %d pages even in its dense layout",
                    view.get("number"), len(document.pages),
                )
        return document.write_pdf(attachments=[credential_attachment(credential_json)])
