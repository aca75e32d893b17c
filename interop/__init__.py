"""互联互通 with other registries (INTEROP.md): the registry's self-description, pinned
peers, CDOP exports, status statements and the double-claim gate's peer checks.

Sits above certificates and tlog (interop → certificates → tlog → market → core). It hooks
into issuance through ``market.issuance_checks``; market never imports it.
"""


def init_app(app, api) -> None:
    """Wire interop: the well-known description, the peers and claim-check API, and the
    double-claim gate in market's issuance hook."""
    from interop import gate, labels, models, pages, routes  # noqa: F401 (models: tables)
    from market import issuance_checks

    api.register_blueprint(routes.wellknown)
    api.register_blueprint(routes.blp)
    api.register_blueprint(routes.exports)
    pages.init_app(app)
    issuance_checks.register("claim_check", gate.DoubleClaimGate())
