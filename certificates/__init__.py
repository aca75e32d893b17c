"""Signed credentials, certificate PDFs, verification and revocation."""


def init_app(app, api) -> None:
    pass
