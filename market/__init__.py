"""The registry and the marketplace: lots, serial blocks, ledger, orders, retirements."""


def init_app(app, api) -> None:
    from market import cli, models  # noqa: F401  (models register their tables)
    from market.routes import movements, registry

    api.register_blueprint(registry.blp)
    api.register_blueprint(movements.blp)
    cli.init_app(app)
