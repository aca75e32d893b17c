"""Documents attached to e-mail, drawn when the message is sent (never inside the use
case's transaction, where a PDF would hold its locks).

A domain registers a renderer for a kind in its ``init_app``; a message names
``{"kind": kind, "key": key}``. At sending time the renderer gets the key and runs under
``force_locale(message's locale)``, and returns ``(filename, mime type, bytes)``.
"""

from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale

Renderer = Callable[[str], tuple[str, str, bytes]]


class UnknownAttachment(LookupError):
    """A message names a kind no domain registered (a deployment without that domain)."""


def register(app, kind: str, renderer: Renderer) -> None:
    """Let messages attach documents of ``kind``, drawn by ``renderer(key)``."""
    app.extensions.setdefault("mail_attachments", {})[kind] = renderer


def render(attachment: dict, locale: str) -> tuple[str, str, bytes]:
    """``(filename, mime type, content)`` of one attachment in ``locale``."""
    renderers = current_app.extensions.get("mail_attachments", {})
    if attachment.get("kind") not in renderers:
        raise UnknownAttachment(f"no renderer for attachment kind {attachment.get('kind')!r}")
    with force_locale(locale):
        return renderers[attachment["kind"]](attachment["key"])
