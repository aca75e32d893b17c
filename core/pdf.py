"""HTML to A4 PDF with WeasyPrint, for documents of any layer (payment notices …).

The renderer may load nothing from outside: its URL fetcher serves ``data:`` URIs only,
so a template or a value in it can never make WeasyPrint read a local file or call the
network (images are inline SVG or ``data:`` URIs). One ``FontConfiguration`` is shared by
every render, and renders in one process take turns, as Pango's font map is not made for
concurrent use. Certificates keep their own renderer (``certificates/pdf.py``, with
attachments and a dense relayout); this one is the plain case.
"""

import threading
from functools import lru_cache

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

# The certificates' font stack: WenQuanYi covers GB 18030's common range on Debian.
BASE_CSS = """
@page { size: A4; margin: 18mm 16mm; }
html { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #1b1b1b; }
.nowrap, .num { white-space: nowrap; }
.breakable { overflow-wrap: anywhere; word-break: break-all; }
"""


class ExternalResourceRefused(ValueError):
    """A document tried to load something that is not an inline ``data:`` URI."""


class _DataOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols=("data",), fail_on_errors=True)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if not url.strip().lower().startswith("data:"):
            self.refused.append(url)
            raise ExternalResourceRefused(f"PDF rendering loads only data: URIs; refused {url[:200]!r}")
        return super().fetch(url, headers)


@lru_cache(maxsize=1)
def _fetcher() -> _DataOnlyFetcher:
    return _DataOnlyFetcher()


@lru_cache(maxsize=1)
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=8)
def _stylesheet(css: str) -> CSS:
    return CSS(string=BASE_CSS + css, font_config=_font_config(), url_fetcher=_fetcher())


_render_lock = threading.Lock()


def render_pdf(html: str, css: str = "") -> bytes:
    """``html`` laid out on A4 with the shared fonts and ``css`` (compiled once per text).

    Raises ``ExternalResourceRefused`` when the HTML references anything but ``data:``.
    """
    fetcher = _fetcher()
    with _render_lock:
        fetcher.refused.clear()
        try:
            pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(
                stylesheets=[_stylesheet(css)], font_config=_font_config())
        except FatalURLFetchingError as error:
            if isinstance(error.__cause__, ExternalResourceRefused):
                raise error.__cause__ from None
            raise
        if fetcher.refused:  # WeasyPrint swallows fetch errors inside inline SVG
            raise ExternalResourceRefused(f"PDF rendering loads only data: URIs; refused "
                                          f"{fetcher.refused[0][:200]!r}")
    return pdf
