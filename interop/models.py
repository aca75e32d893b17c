"""Interop's tables: the peers an administrator pinned (INTEROP.md §1)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
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
