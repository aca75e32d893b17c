"""The registry admin's peer form (pinning another registry). Shape only; the use case
(``interop.peers``) checks the rules."""

from flask_babel import lazy_gettext as _l
from core.page_forms import PageForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

_required = DataRequired(message=_l("This field is required."))


class PeerForm(PageForm):
    api_base = StringField(_l("The peer's API base address"),
                           validators=[_required, Length(max=300)],
                           render_kw={"inputmode": "url", "placeholder": "https://…/api/v1"})
    confirm_key_change = BooleanField(_l("I have confirmed the new keys with the peer's operator"))
