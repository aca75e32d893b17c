"""互联互通 with other registries (INTEROP.md): the registry's self-description, pinned
peers, CDOP exports, status statements and the double-claim gate's peer checks.

Sits above certificates and tlog (interop → certificates → tlog → market → core). It hooks
into issuance through ``market.issuance_checks``; market never imports it.
"""


def init_app(app, api) -> None:
    """Wire interop: the well-known description, the peers API and its models."""
    from interop import feed_wiring, models, routes  # noqa: F401 (models: tables)

    api.register_blueprint(routes.wellknown)
    api.register_blueprint(routes.blp)
    feed_wiring.init_app(app, api)  # part B: change feed, webhooks, witnessing (§3, §6)
