"""The registry admin's peer form (pinning another registry). Shape only; the use case
(``interop.peers``) checks the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from core.form_fields import Required

_required = Required(message=_l("This field is required."))  # keeps a parse error


class PeerForm(FlaskForm):
    api_base = StringField(_l("The peer's API base address"),
                           validators=[_required, Length(max=300)],
                           render_kw={"inputmode": "url", "placeholder": "https://…/api/v1"})
    confirm_key_change = BooleanField(_l("I have confirmed the new keys with the peer's operator"))
