"""互联互通 with other registries (INTEROP.md)."""


def init_app(app, api) -> None:
    from interop import feed_wiring

    feed_wiring.init_app(app, api)
