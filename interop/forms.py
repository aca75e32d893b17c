"""The registry admin's peer forms (pinning another registry, subscribing to its feed). Shape only; the use case
(``interop.peers``) checks the rules."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from core.page_forms import PageForm

from core.form_fields import Required

_required = Required(message=_l("This field is required."))  # keeps a parse error


class PeerForm(PageForm):
    api_base = StringField(_l("The peer's API base address"),
                           validators=[_required, Length(max=300)],
                           render_kw={"inputmode": "url", "placeholder": "https://…/api/v1"})
    confirm_key_change = BooleanField(_l("I have confirmed the new keys with the peer's operator"))


def _at_least_one(form, field):
    # Not DataRequired: its "required" flag would mark every checkbox as required.
    if not field.data:
        raise StopValidation(_l("Choose at least one."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SubscriptionForm(PageForm):
    """Subscribe to a pinned peer's change feed: the API token the peer's administrator
    issued to this registry, and which kinds of change to receive (feed event types)."""

    token = PasswordField(_l("API token the peer issued to this registry"),
                          validators=[_required, Length(max=200)])
    types = CheckboxesField(_l("Changes to receive"),
                            validators=[_at_least_one],
                            invalid_choice_message=_l("Not a valid choice."))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from interop.feed import EVENT_TYPES, PREFIX
        from interop.feed_labels import FEED_EVENT_TYPES

        self.types.choices = [(t, FEED_EVENT_TYPES[t.removeprefix(PREFIX)])
                              for t in EVENT_TYPES]
        if not self.is_submitted() and not self.types.data:
            from interop.inbound import RETIRED

            self.types.data = [RETIRED]


class UnsubscribeForm(PageForm):
    """Unsubscribe from a peer's change feed. With an API token of the organisation that
    holds the endpoint at the peer (as the subscribe form asks; never stored), the peer is
    asked to delete it; without one only this registry forgets the subscription."""

    token = PasswordField(_l("API token at the peer (optional)"),
                          validators=[Optional(), Length(max=200)])
