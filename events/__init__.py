"""Carbon-neutral events and organisation / pilot neutrality claims."""


def init_app(app, api) -> None:
    pass
