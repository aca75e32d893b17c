"""``@idempotent`` called directly on a view function inside a request context."""

import pytest
import sqlalchemy as sa
from flask import current_app

from factories import make_org
from core.auth import current_organization
from core.db import db
from core.idempotency import AfterCommit, IdempotencyKeyReused, idempotent
from core.errors import Invalid, ServiceUnavailable
from core.models import IdempotencyRecord
from core.responses import json_response

calls = []


@idempotent("tests")
def create(data):
    calls.append(data)
    return json_response({"call": len(calls), "org": current_organization().id, **data}, 201)


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def call(view, actor, data, key):
    headers = {**actor.headers, **({"Idempotency-Key": key} if key is not None else {})}
    with current_app.test_request_context(headers=headers):
        response = view(data)
        return response.status_code, response.get_json(), response.headers


def test_replay_returns_the_first_answer_and_does_nothing_again(app):
    buyer = make_org("buyer")
    first = call(create, buyer, {"kg": 5}, "k-1")
    again = call(create, buyer, {"kg": 5}, "k-1")
    assert first[:2] == again[:2] == (201, {"call": 1, "org": buyer.id, "kg": 5})
    assert again[2]["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first[2]
    assert calls == [{"kg": 5}]


def test_the_same_key_with_another_body_is_refused(app):
    buyer = make_org("buyer")
    call(create, buyer, {"kg": 5}, "k-1")
    with pytest.raises(IdempotencyKeyReused) as refused:
        call(create, buyer, {"kg": 6}, "k-1")
    assert (refused.value.status, refused.value.code) == (409, "idempotency_key_reused")
    assert calls == [{"kg": 5}]


def test_key_order_of_the_body_does_not_matter(app):
    buyer = make_org("buyer")
    call(create, buyer, {"a": 1, "b": 2}, "k-1")
    assert call(create, buyer, {"b": 2, "a": 1}, "k-1")[1]["call"] == 1


def test_organisations_using_the_same_key_are_independent(app):
    one, two = make_org("buyer"), make_org("buyer")
    assert call(create, one, {"kg": 5}, "shared")[1] == {"call": 1, "org": one.id, "kg": 5}
    assert call(create, two, {"kg": 7}, "shared")[1] == {"call": 2, "org": two.id, "kg": 7}
    assert len(calls) == 2


def test_without_a_key_every_request_runs(app):
    buyer = make_org("buyer")
    call(create, buyer, {"kg": 5}, None)
    call(create, buyer, {"kg": 5}, None)
    assert len(calls) == 2
    assert db.session.execute(sa.select(sa.func.count(IdempotencyRecord.id))).scalar() == 0


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_a_key_must_be_1_to_255_characters(app, key):
    with pytest.raises(Invalid):
        call(create, make_org("buyer"), {"kg": 5}, key)
    assert calls == []


def test_a_failed_first_request_frees_its_key(app):
    buyer = make_org("buyer")

    @idempotent("tests")
    def failing(data):
        calls.append(data)
        raise Invalid("no")

    with pytest.raises(Invalid):
        call(failing, buyer, {"kg": 5}, "k-1")
    assert call(create, buyer, {"kg": 5}, "k-1")[1]["call"] == 2


def test_an_answer_finished_after_commit_is_stored_and_replayed(app):
    buyer = make_org("buyer")

    @idempotent("tests")
    def two_steps(data):
        calls.append(data)

        def finish():
            # The key is committed, still without an answer, while the second step runs.
            assert db.session.execute(sa.select(IdempotencyRecord.response)).scalar_one() is None
            return json_response({"done": True}, 201)
        return AfterCommit(finish)

    assert call(two_steps, buyer, {"kg": 5}, "k-2")[:2] == (201, {"done": True})
    assert call(two_steps, buyer, {"kg": 5}, "k-2")[:2] == (201, {"done": True})
    assert len(calls) == 1


def test_a_key_still_in_progress_is_refused_and_freed_when_the_step_undoes_itself(app):
    buyer = make_org("buyer")

    def unavailable():
        with pytest.raises(IdempotencyKeyReused, match="仍在处理中"):  # zh: the default
            call(create, buyer, {"kg": 5}, "k-3")  # a duplicate while Stripe is asked
        raise ServiceUnavailable("gateway down")

    @idempotent("tests")
    def two_steps(data):
        calls.append(data)
        return AfterCommit(unavailable, frees_key_on=(ServiceUnavailable,))

    with pytest.raises(ServiceUnavailable):
        call(two_steps, buyer, {"kg": 5}, "k-3")
    assert call(create, buyer, {"kg": 5}, "k-3")[1]["call"] == 2
