"""The registry and the marketplace: lots, serial blocks, ledger, orders, retirements."""


def init_app(app, api) -> None:
    from market import audit, beneficiaries, cli, jobs, metrics, models, payments, stats  # noqa: F401 (models: tables)
    from market.pages import buying, lots as lot_pages, orders as order_pages, public
    from market.pages import holdings as holding_pages
    from market.pages import issuance as issuance_pages
    from market.pages import admin as admin_pages
    from market import labels  # noqa: F401 (registered label tables)
    from market.routes import movements, registry, trading

    api.register_blueprint(registry.blp)
    api.register_blueprint(movements.blp)
    api.register_blueprint(trading.blp)
    app.register_blueprint(public.bp)
    app.register_blueprint(lot_pages.bp)
    holding_pages.init_app(app)
    issuance_pages.init_app(app)
    admin_pages.init_app(app)
    app.register_blueprint(buying.bp)
    app.register_blueprint(order_pages.bp)
    _register_workspace_entries(app)
    payments.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)
    metrics.connect()
    stats.connect()
    beneficiaries.connect()
    from flask_babel import lazy_gettext as _l
    audit.register(stats.check_aggregates,
                   _l("Public figures equal a fresh sum of retirements and lots"))


def _register_workspace_entries(app) -> None:
    from flask_babel import lazy_gettext as _l

    from core import workspace
    from market import orders

    workspace.register_entry(
        app, "market_pages.marketplace", _l("Marketplace"), roles=("buyer",), order=10,
        description=_l("Buy reductions from open listings, and retire them at once if you wish."))
    workspace.register_entry(
        app, "market_orders.order_list", _l("My orders"), roles=("buyer",), order=20,
        counter=orders.count_awaiting_payment,
        description=_l("Pay, download payment notices, follow your orders to their certificates."))
