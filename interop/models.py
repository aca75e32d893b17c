"""Interop's tables: the peers an administrator pinned (INTEROP.md §1), the register of
issued claim scopes and the double-claim gate's records (§5)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db, one_of
from core.models import UTCDateTime


class Peer(db.Model):
    """Another registry this one recognises: its self-description and keys as fetched
    when the administrator pinned it. The keys change only when an administrator pins
    again and confirms the change (``key_changes`` counts how often that happened)."""

    __tablename__ = "interop_peers"

    id: Mapped[int] = mapped_column(primary_key=True)
    did: Mapped[str] = mapped_column(sa.String(300), unique=True)
    api_base: Mapped[str] = mapped_column(sa.String(300), unique=True)
    region: Mapped[str] = mapped_column(sa.String(6))
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    #: The self-description and DID document exactly as fetched (parsed JSON).
    description: Mapped[dict] = mapped_column(sa.JSON)
    did_document: Mapped[dict] = mapped_column(sa.JSON)
    #: Multibase Ed25519 keys of the DID document: they verify the peer's signed answers.
    did_keys: Mapped[list] = mapped_column(sa.JSON)
    log_public_key: Mapped[str] = mapped_column(sa.String(100))
    witness_public_key: Mapped[str] = mapped_column(sa.String(100))
    pinned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    pinned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_changes: Mapped[int] = mapped_column(default=0)

    def keys(self) -> dict:
        """The pinned keys, compared on every re-pin."""
        return {"did_keys": sorted(self.did_keys), "log_public_key": self.log_public_key,
                "witness_public_key": self.witness_public_key}


class ClaimScope(db.Model):
    """The own register of issued claim scopes (INTEROP.md §5): for each lot issued with a
    declared scope, who claimed which behaviour where and when. The double-claim gate
    looks here, and answers peers' claim checks from here."""

    __tablename__ = "interop_claim_scopes"
    __table_args__ = (
        sa.Index("ix_interop_claim_scopes_operator", "operator_credit_code", "scenario"),
        sa.Index("ix_interop_claim_scopes_seller", "seller_id", "scenario"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), unique=True)
    lot_code: Mapped[str] = mapped_column(sa.String(64))
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    operator_credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    methodology_code: Mapped[str] = mapped_column(sa.String(32))
    scenario: Mapped[str] = mapped_column(sa.String(16))
    #: GB/T 2260 codes, sorted.
    regions: Mapped[list] = mapped_column(sa.JSON)
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    records_root: Mapped[str | None] = mapped_column(sa.String(64), index=True)


class ScopeRecordHash(db.Model):
    """One salted behaviour-record hash an operator disclosed with an issued scope."""

    __tablename__ = "interop_scope_record_hashes"

    scope_id: Mapped[int] = mapped_column(sa.ForeignKey("interop_claim_scopes.id"),
                                          primary_key=True)
    record_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True, index=True)


CHECK_OUTCOMES = ("clear", "incomplete", "overridden")


class ClaimCheck(db.Model):
    """The double-claim gate's record for one issued lot: when it ran, what the own
    register and each pinned peer answered (the peers' signed answers kept whole), the
    outcome, and the administrator's reason when a conflict was overridden."""

    __tablename__ = "interop_claim_checks"
    __table_args__ = (one_of("outcome", CHECK_OUTCOMES, name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), unique=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    #: ``{scope, conflicts, registries: [{did, api_base, name_zh, name_en, status,
    #: conflicts, answer?, error?}]}``.
    result: Mapped[dict] = mapped_column(sa.JSON)
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    overridden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
