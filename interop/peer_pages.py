"""The cross-registry view, ``/interop``: the pinned peers, what each reported through
its feed (retirements …), and the witnessing between the logs."""

import json

import sqlalchemy as sa
from flask import Blueprint, render_template

from core.db import db
from interop import inbound, peers
from interop.witness_models import Cosignature, SplitView, WitnessedCheckpoint

bp = Blueprint("interop_peer_pages", __name__, template_folder="templates")


def _peer_view(peer) -> dict:
    origin = (peer.description.get("log") or {}).get("origin")
    cosigned = db.session.execute(
        sa.select(WitnessedCheckpoint).where(WitnessedCheckpoint.origin == origin)
        .order_by(WitnessedCheckpoint.tree_size.desc()).limit(1)).scalar()
    splits = db.session.execute(sa.select(sa.func.count()).select_from(SplitView).where(
        SplitView.origin == origin)).scalar_one()
    reports = [{"type": r.type.removeprefix("cn.tanhuijilin."), "subject": r.subject,
                "time": r.time, "quantity_kg": r.quantity_kg, "ledger_seq": r.ledger_seq,
                "number": (json.loads(r.data).get("retirement") or {}).get("number")}
               for r in inbound.reports_of(peer.did)]
    return {"name_zh": peer.name_zh, "name_en": peer.name_en, "region": peer.region,
            "did": peer.did, "api_base": peer.api_base, "pinned_at": peer.pinned_at,
            "cosigned_size": cosigned.tree_size if cosigned else None,
            "cosigned_at": cosigned.cosigned_at if cosigned else None,
            "split_views": splits, "reports": reports}


@bp.get("/interop")
def peers_page():
    """Public: every pinned peer with its reports and the witnessing state."""
    witnesses = db.session.execute(
        sa.select(Cosignature.witness_name, sa.func.max(Cosignature.tree_size))
        .group_by(Cosignature.witness_name).order_by(Cosignature.witness_name)).all()
    return render_template("interop/peer_registries.html",
                           peers=[_peer_view(p) for p in peers.list_peers()],
                           witnesses=witnesses)
