"""HTML to A4 PDF with WeasyPrint, for documents of any layer (payment notices,
certificates …).

The renderer may load nothing from outside: its URL fetcher serves ``data:`` URIs only,
so a template or a value in it can never make WeasyPrint read a local file or call the
network (images are inline SVG or ``data:`` URIs). One ``FontConfiguration`` is shared by
every render and each stylesheet is compiled once per process (about a quarter of the
render time otherwise); renders in one process take turns, as Pango's font map is not
made for concurrent use.

``render_pdf`` is the plain case. A document with its own needs (certificates: their own
stylesheet, an attachment, a dense relayout when one page is not enough) builds on the
pieces: ``compiled_css``, ``rendering()`` and ``layout``.

WeasyPrint (with Pango, fontTools, Pillow: tens of MB) is imported on the first render,
not with this module: a web worker that serves only pages and CSV never loads it.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from weasyprint import CSS
    from weasyprint.document import Document

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


def _refusal_message(url: str) -> str:
    return f"PDF rendering loads only data: URIs; refused {url[:200]!r}"


@lru_cache(maxsize=1)
def _fetcher_class() -> type:
    """``DataOnlyURLFetcher``, defined on first use (it subclasses WeasyPrint's fetcher)."""
    from weasyprint.urls import URLFetcher

    class DataOnlyURLFetcher(URLFetcher):
        """WeasyPrint URL fetcher that serves ``data:`` URIs and refuses everything else.

        ``fail_on_errors`` turns a refusal into a fatal error, so a template that references
        a file or a remote URL fails loudly instead of rendering with a hole in it. Refusals
        are also remembered, because WeasyPrint swallows errors inside inline SVG.
        """

        def __init__(self):
            super().__init__(allowed_protocols=("data",), fail_on_errors=True)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not url.strip().lower().startswith("data:"):
                self.refused.append(url)
                raise ExternalResourceRefused(_refusal_message(url))
            return super().fetch(url, headers)

    DataOnlyURLFetcher.__module__ = __name__
    return DataOnlyURLFetcher


def __getattr__(name: str):
    # ``from core.pdf import DataOnlyURLFetcher`` still works; it imports WeasyPrint.
    if name == "DataOnlyURLFetcher":
        return _fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=1)
def url_fetcher():
    """The process's one data-only fetcher (its refusals are read under the render lock)."""
    return _fetcher_class()()


@lru_cache(maxsize=1)
def font_config():
    """WeasyPrint's ``FontConfiguration``, one per process."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=8)
def compiled_css(text: str) -> CSS:
    """``text`` compiled once with the shared fonts and fetcher."""
    from weasyprint import CSS

    return CSS(string=text, font_config=font_config(), url_fetcher=url_fetcher())


_render_lock = threading.Lock()


@contextmanager
def rendering():
    """Take the render lock; report any refused fetch as ``ExternalResourceRefused``.

    WeasyPrint wraps fatal fetch errors in ``FatalURLFetchingError``, a BaseException, and
    ignores errors inside inline SVG; the fetcher's own record catches those too.
    """
    from weasyprint.urls import FatalURLFetchingError

    fetcher = url_fetcher()
    with _render_lock:
        fetcher.refused.clear()
        try:
            yield
        except FatalURLFetchingError as error:
            if isinstance(error.__cause__, ExternalResourceRefused):
                raise error.__cause__ from None
            raise RuntimeError(f"PDF rendering failed: {error}") from error.__cause__
        if fetcher.refused:
            raise ExternalResourceRefused(_refusal_message(fetcher.refused[0]))


def layout(html: str, stylesheet: CSS) -> Document:
    """``html`` laid out with ``stylesheet``; call inside ``rendering()``."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=url_fetcher()).render(
        stylesheets=[stylesheet], font_config=font_config())


def render_pdf(html: str, css: str = "") -> bytes:
    """``html`` laid out on A4 with the shared fonts and ``css`` (compiled once per text).

    Raises ``ExternalResourceRefused`` when the HTML references anything but ``data:``.
    """
    with rendering():
        return layout(html, compiled_css(BASE_CSS + css)).write_pdf()
