"""Factor sets as versioned data in the database.

The built-in ``CN-JL-2026.1`` is stored the first time any factor set is needed, so a
fresh registry computes footprints without a setup step; the registry administrator
publishes later versions (API or ``flask factors load``). The set in force is the one
loaded last. Versions are never changed or replaced: a duplicate version is refused, and
on both databases a trigger refuses UPDATE and DELETE of a stored set.
"""

import hashlib
from datetime import date

import rfc8785
import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.dialects import postgresql, sqlite

from core.db import db
from core.errors import Conflict, Invalid, NotFound
from events.factors import BUILTIN_VERSION, load_builtin, validate_factor_set
from events.models import FactorSet
from core import clock


class FactorSetExists(Conflict):
    code = "factor_set_exists"


def document_hash(document: dict) -> str:
    """``sha256:`` + hex digest of the RFC 8785 form of a validated factor-set document."""
    return "sha256:" + hashlib.sha256(rfc8785.dumps(document)).hexdigest()


def _insert(document: dict, loaded_by_id: int | None) -> bool:
    """Store a validated document unless its version exists; True when it was stored.

    ``ON CONFLICT DO NOTHING`` lets two first uses race without an error."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stored = db.session.execute(
        dialect.insert(FactorSet).values(
            version=document["version"], published=date.fromisoformat(document["published"]),
            document=document, document_hash=document_hash(document),
            loaded_by_id=loaded_by_id, loaded_at=clock.now(),
        ).on_conflict_do_nothing(index_elements=["version"]).returning(FactorSet.id))
    return stored.scalar_one_or_none() is not None


def builtin_missing() -> bool:
    """True on a registry that has not stored the built-in set yet."""
    return db.session.execute(
        sa.select(FactorSet.id).where(FactorSet.version == BUILTIN_VERSION)).first() is None


def ensure_builtin() -> None:
    """Store the built-in set when it is absent (idempotent)."""
    if builtin_missing():
        _insert(load_builtin(), None)


def current_factor_set() -> FactorSet:
    """The set in force: the one loaded last (the built-in one on a fresh registry)."""
    ensure_builtin()
    return db.session.execute(
        sa.select(FactorSet).order_by(FactorSet.id.desc()).limit(1)).scalar_one()


def get_factor_set(version: str) -> FactorSet:
    """A stored version (404 when unknown)."""
    factor_set = db.session.execute(
        sa.select(FactorSet).where(FactorSet.version == version)).scalar_one_or_none()
    if factor_set is None:
        raise NotFound(_("No factor set %(version)s.", version=version))
    return factor_set


def list_factor_sets():
    """Every stored version, newest first."""
    return sa.select(FactorSet).order_by(FactorSet.id.desc())


def load_factor_set(document: dict, loaded_by=None) -> FactorSet:
    """Publish a new version; it becomes the set in force. A version already stored is
    refused (409): published factors are never replaced."""
    try:
        normalised = validate_factor_set(document)
    except ValidationError as error:
        messages = error.messages
        raise Invalid(_("The factor set is not valid."), messages if isinstance(messages, dict)
                      else {"_schema": messages}) from error
    ensure_builtin()  # the built-in set stays the oldest version
    if not _insert(normalised, loaded_by.id if loaded_by is not None else None):
        raise FactorSetExists(_("Factor set %(version)s exists; versions are immutable, "
                                "publish a new version instead.", version=normalised["version"]))
    return get_factor_set(normalised["version"])
