"""The outbox: written in the use case's transaction, sent after commit by the job through
a real SMTP server, retried with backoff, never lost, never sent twice."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from core import clock
from core.db import db, transaction
from core.jobs import run_all_once
from core.mail.models import OutgoingMessage
from core.mail.sending import send_pending
from core.models import Organization
from factories import make_org, make_user
from market import issuance
from tests.mail.mail_helpers import submit_request


def reject(verifier, request_id, reasons="监测数据不完整"):
    with transaction() as session:
        issuance.verify_issuance_request(session.get(Organization, verifier.id), request_id,
                                         decision="rejected", verified_kg=None,
                                         report_ref=reasons)


@pytest.fixture
def seller_with_user(app):
    seller, verifier = make_org("seller"), make_org("verifier", kind="verifier")
    email = make_user(seller, "operator@metro.example.cn")
    return seller, verifier, email


def messages():
    return db.session.execute(sa.select(OutgoingMessage).order_by(OutgoingMessage.id)
                              ).scalars().all()


def test_a_message_is_written_in_the_transaction_and_sent_after_commit(smtp, seller_with_user):
    seller, verifier, email = seller_with_user
    reject(verifier, submit_request(seller))
    [queued] = messages()
    assert (queued.status, queued.attempts, queued.recipient) == ("pending", 0, email)
    assert smtp.received == []  # nothing leaves during the request

    before = REGISTRY.get_sample_value("registry_mail_sent_total") or 0
    assert send_pending() == {"sent": 1, "failed": 0}
    assert REGISTRY.get_sample_value("registry_mail_sent_total") == before + 1
    [message] = smtp.to(email)
    assert message["From"].addresses[0].addr_spec == "no-reply@registry.test"
    db.session.expire_all()
    assert (messages()[0].status, messages()[0].attempts) == ("delivered", 1)
    assert messages()[0].delivered_at is not None


def test_a_rolled_back_use_case_sends_nothing(smtp, seller_with_user):
    seller, verifier, _email = seller_with_user
    request_id = submit_request(seller)
    with pytest.raises(RuntimeError):
        with transaction() as session:
            issuance.verify_issuance_request(session.get(Organization, verifier.id), request_id,
                                             decision="rejected", verified_kg=None,
                                             report_ref="R")
            raise RuntimeError("the edge failed after the use case")
    assert messages() == []
    assert send_pending() == {"sent": 0, "failed": 0}
    assert smtp.received == []


def test_a_refusing_server_means_retry_with_backoff_and_no_loss(smtp, seller_with_user):
    seller, verifier, email = seller_with_user
    reject(verifier, submit_request(seller))
    smtp.refusing = True
    start = clock.now()
    clock.set_now(start)
    assert send_pending() == {"sent": 0, "failed": 1}
    db.session.expire_all()
    [row] = messages()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "451" in row.last_error
    assert row.next_attempt_at == start + timedelta(minutes=1)

    smtp.refusing = False
    assert send_pending() == {"sent": 0, "failed": 0}  # not due yet: the backoff holds
    clock.set_now(start + timedelta(minutes=1, seconds=1))
    assert send_pending() == {"sent": 1, "failed": 0}
    assert len(smtp.to(email)) == 1
    db.session.expire_all()
    assert (messages()[0].status, messages()[0].attempts, messages()[0].last_error) == (
        "delivered", 2, None)


def test_an_unreachable_server_keeps_the_message_until_it_gives_up(app, runner, smtp,
                                                                    seller_with_user):
    seller, verifier, email = seller_with_user
    reject(verifier, submit_request(seller))
    app.config.update(MAIL_PORT=1, MAIL_MAX_ATTEMPTS=2)  # nothing listens on port 1
    moment = clock.now()
    for attempt in (1, 2):
        clock.set_now(moment)
        assert send_pending() == {"sent": 0, "failed": 1}
        moment += timedelta(hours=1)
    db.session.expire_all()
    [row] = messages()
    assert (row.status, row.attempts) == ("failed", 2)
    assert "Connection refused" in row.last_error or "Errno" in row.last_error
    clock.set_now(moment + timedelta(days=1))
    assert send_pending() == {"sent": 0, "failed": 0}  # failed for good: not tried again

    listed = runner.invoke(args=["mail", "status", "--failed"])
    assert "failed: 1" in listed.output
    assert f"#{row.id} issuance_decided to {email} after 2 attempts" in listed.output
    app.config["MAIL_PORT"] = smtp.port  # the operator fixes the setting and retries it
    assert runner.invoke(args=["mail", "retry", str(row.id)]).exit_code == 0
    assert send_pending() == {"sent": 1, "failed": 0}
    assert len(smtp.to(email)) == 1


def test_a_message_is_sent_once_by_repeated_and_concurrent_senders(app, smtp, seller_with_user):
    seller, verifier, email = seller_with_user
    for _ in range(6):
        reject(verifier, submit_request(seller))
    outcomes = []

    def sender():
        with app.app_context():
            outcomes.append(send_pending(limit=4))
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    send_pending()
    send_pending()
    subjects = sorted(m["Subject"] for m in smtp.to(email))
    assert len(subjects) == 6 and len(set(subjects)) == 6
    assert sum(o["sent"] for o in outcomes) <= 6


def test_the_job_and_the_command_send_pending_messages(app, runner, smtp, seller_with_user):
    seller, verifier, email = seller_with_user
    reject(verifier, submit_request(seller))
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
    reject(verifier, submit_request(seller))
    assert "mail.send_pending" in run_all_once(app)
    assert len(smtp.to(email)) == 2
    status = runner.invoke(args=["mail", "status"])
    assert "delivered: 2" in status.output and "pending: 0" in status.output


def test_without_a_server_messages_wait(app, smtp, seller_with_user):
    seller, verifier, _email = seller_with_user
    app.config["MAIL_SERVER"] = None
    reject(verifier, submit_request(seller))
    assert send_pending() == {"sent": 0, "failed": 0}
    assert messages()[0].status == "pending" and messages()[0].attempts == 0
