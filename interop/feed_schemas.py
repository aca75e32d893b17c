"""Shapes of the feed, webhook and cosignature endpoints (INTEROP.md §3, §6)."""

from marshmallow import fields, validate

from core.schemas import BaseSchema, Text
from interop.feed import EVENT_TYPES, MAX_LIMIT


class FeedArgs(BaseSchema):
    after = fields.Integer(validate=validate.Range(min=0, max=2**62), metadata={
        "description": "Cursor: the `sequence` of the last event already read."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_LIMIT))


class FeedOut(BaseSchema):
    events = fields.List(fields.Dict(), metadata={
        "description": "CloudEvents 1.0 (JSON), oldest first; `sequence` is the cursor."})
    next_after = fields.Integer(allow_none=True, metadata={
        "description": "Pass as `after` for the next page (the last event's sequence)."})


class WebhookEndpointIn(BaseSchema):
    url = Text(required=True, validate=validate.Length(min=1, max=2000))
    types = fields.List(fields.String(validate=validate.OneOf(EVENT_TYPES)),
                        load_default=list, validate=validate.Length(max=len(EVENT_TYPES)),
                        metadata={"description": "Event types wanted; empty for all."})


class WebhookEndpointOut(BaseSchema):
    id = fields.Integer()
    url = fields.String()
    types = fields.List(fields.String())
    created_at = fields.DateTime()


class WebhookEndpointCreated(WebhookEndpointOut):
    secret = fields.String(metadata={
        "description": "`whsec_` + base64 key for Standard Webhooks signatures; shown once."})


class AttemptOut(BaseSchema):
    attempted_at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()


class DeliveryOut(BaseSchema):
    id = fields.Integer()
    event_id = fields.String()
    position = fields.Integer()
    status = fields.String()
    attempts = fields.List(fields.Nested(AttemptOut))
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)


class DeliveriesOut(BaseSchema):
    items = fields.List(fields.Nested(DeliveryOut))
