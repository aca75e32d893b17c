"""The ``field`` macro keeps the hint announced when errors appear beside the field."""

import re

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import StringField

TEMPLATE = ('{% from "people/_forms.html" import field %}'
            '{{ field(form.name, hint="A hint.") }}')


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name")


def _described_by(html: str) -> list[str]:
    return re.search(r'aria-describedby="([^"]*)"', html).group(1).split()


def test_hint_alone_describes_the_field(app):
    with app.test_request_context("/"):
        html = render_template_string(TEMPLATE, form=_Form())
    assert _described_by(html) == ["name-hint"]


def test_errors_and_hint_both_describe_the_field(app):
    with app.test_request_context("/"):
        form = _Form()
        form.name.errors = ["Wrong."]
        html = render_template_string(TEMPLATE, form=form)
    assert _described_by(html) == ["name-hint", "name-errors"]
    assert 'id="name-hint"' in html and 'id="name-errors"' in html
    assert 'aria-invalid="true"' in html
