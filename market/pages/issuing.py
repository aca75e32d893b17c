"""The registry admin's part of the issuance request page: what the registered issuance
checks say (the double-claim gate, INTEROP.md §5) and the form that issues the lot,
overriding a conflict with a reason (route ``issuance_pages.issue``; the same use case as
``POST /api/v1/issuance-requests/{id}/issuance``)."""

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from market import issuance_checks

CHECK = "claim_check"


class IssueForm(PageForm):
    override_reason = TextAreaField(
        _l("Reason for issuing despite the conflict"), validators=[Optional(), Length(max=1000)])


def issue_context(found, organization, form=None, claim_check=None) -> dict:
    """What the request page shows the registry admin: the check's result (the record
    of an issued lot, else a preview that asks the peers now) and the issue form."""
    if not organization.has_role("registry_admin"):
        return {}
    if found.lot is not None:
        return {"claim_check": issuance_checks.result(CHECK, found.lot)}
    if found.status != "verified":
        return {}
    if claim_check is None:
        claim_check = issuance_checks.previews(found).get(CHECK)
    return {"claim_check": claim_check, "issue_form": form or IssueForm(formdata=None),
            "may_issue": True}
