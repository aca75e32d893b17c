import pytest

from core.db import NestedTransaction, db, transaction
from core.models import Organization


def test_transaction_commits_once_and_rolls_back_on_error(app):
    with pytest.raises(RuntimeError):
        with transaction():
            db.session.add(Organization(name="回滚", kind="ngo", roles=[]))
            db.session.flush()
            raise RuntimeError("boom")
    assert db.session.query(Organization).filter_by(name="回滚").count() == 0
    with transaction():
        db.session.add(Organization(name="提交", kind="ngo", roles=[]))
    assert db.session.query(Organization).filter_by(name="提交").count() == 1


def test_transaction_refuses_to_nest(app):
    with pytest.raises(NestedTransaction):
        with transaction():
            with transaction():
                pass
