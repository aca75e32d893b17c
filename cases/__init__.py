"""以碳代偿 compensation cases: case records, payment links, privacy, coverage and the
compensation certificate. Sits above certificates: cases → certificates → market → core."""


def init_app(app, api) -> None:
    """Wire compensation cases: API and pages, the ``case_id`` rule, the retirement
    receiver, the daily overdue job and the audit check."""
    from cases import (admin_panel, authority_pages, cover, jobs, labels, models, pages,  # noqa: F401
                       routes)  # (models: tables)
    from certificates import retirement_certificates
    from market import audit, signals, subjects

    api.register_blueprint(routes.blp)
    app.register_blueprint(pages.bp)
    authority_pages.init_app(app)
    subjects.register("case_id", cover.check_case_retirement)
    signals.retirement_created.connect(cover.count_retirement)
    jobs.init_app(app)
    admin_panel.init_app(app)
    from flask_babel import lazy_gettext as _l
    retirement_certificates.register_subject_name("case_id", "caseNumber", cover.case_number_of)
    audit.register(cover.check_case_totals,
                   _l("Each compensation case's retired total equals its retirements"))
