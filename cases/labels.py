"""Labels of compensation-case codes: statuses, authority kinds, case-file documents.
See ``core.labels``."""

from flask_babel import lazy_gettext as _l

from core.labels import register

CASE_STATUSES = register("case_status", {
    "open": _l("In progress"),
    "fulfilled": _l("Obligation fulfilled"),
    "overdue": _l("Overdue"),
})

AUTHORITY_KINDS = register("authority_kind", {
    "court": _l("Court"),
    "procuratorate": _l("Procuratorate"),
    "eco_bureau": _l("Eco-environment bureau"),
})

CASE_DOCUMENT_KINDS = register("case_document_kind", {
    "commitment_letter": _l("Commitment letter"),
    "court_notice": _l("Court notice to the eco-environment bureau"),
    "bureau_commission": _l("Bureau commission"),
    "loss_assessment_opinion": _l("Loss assessment opinion"),
    "restoration_design": _l("Restoration design"),
    "payment_notice": _l("Payment notice"),
})
