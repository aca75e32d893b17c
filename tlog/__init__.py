"""The transparency log over the ledger: RFC 9162 tree, C2SP checkpoints, proofs, log key,
public monitor. Sits on market (tlog → market → core); certificates build on it."""


def init_app(app, api) -> None:
    from tlog import models, transparency  # noqa: F401 (models: tables)

    transparency.init_app(app, api)  # log routes, checkpoint job, audit check
