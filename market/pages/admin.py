"""Wiring of the registry administrator's market pages: their blueprints, workspace
entries and the dashboard panels (``core.dashboard``) of what waits in the market."""

from flask_babel import lazy_gettext as _l

from core import dashboard, workspace
from market import administration
from market.pages import admin_bank, admin_orders, admin_registry

ADMIN = ("registry_admin",)


def init_app(app) -> None:
    for blueprint in (admin_bank.bp, admin_orders.bp, admin_registry.bp):
        app.register_blueprint(blueprint)
    entries = [
        ("admin_bank.bank_transfers", _l("Bank reconciliation"),
         _l("Confirm bank transfers by order number or reference, or import a bank statement."),
         administration.count_awaiting_bank_transfer),
        ("admin_registry.issuance_list", _l("Issuance"),
         _l("Issue the lots of verified requests."), administration.count_awaiting_issuance),
        ("admin_orders.order_list", _l("All orders"),
         _l("Every order, with filters; release a pending order with a reason."), None),
        ("admin_registry.methodologies", _l("Methodologies"),
         _l("File methodologies and change their status."), None),
        ("admin_registry.run_audit", _l("Audit"),
         _l("Prove from the database that no unit was lost, duplicated or forged."), None),
    ]
    for order, (endpoint, label, description, counter) in enumerate(entries, start=6):
        workspace.register_entry(app, endpoint, label, roles=ADMIN, order=order,
                                 description=description,
                                 counter=(lambda _org, count=counter: count()) if counter else None)
    dashboard.register_panel(
        app, "bank_transfers", _l("Bank transfers awaiting confirmation"),
        count=administration.count_awaiting_bank_transfer,
        items=administration.awaiting_bank_transfers, endpoint="admin_bank.bank_transfers",
        order=10)
    dashboard.register_panel(
        app, "issuance", _l("Verified requests awaiting issuance"),
        count=administration.count_awaiting_issuance, items=administration.awaiting_issuance,
        endpoint="admin_registry.issuance_list", order=20)
    dashboard.register_panel(
        app, "orders", _l("All orders"), endpoint="admin_orders.order_list", order=50,
        description=_l("Every order, with filters; release a pending order with a reason."))
    dashboard.register_panel(
        app, "methodologies", _l("Methodologies"), endpoint="admin_registry.methodologies",
        order=60, description=_l("File methodologies and change their status."))
    dashboard.register_panel(
        app, "audit", _l("Audit"), endpoint="admin_registry.run_audit",
        action="admin_registry.run_audit", action_label=_l("Run the audit now"), order=90,
        description=_l("Prove from the database that no unit was lost, duplicated or forged."))
