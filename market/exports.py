"""What the registry's public lists export (``?format=csv|xlsx``): one column list per
collection, with a stable English key (the API's header) and a label (the page's header,
in the reader's language). Values are what the API returns: integer kilograms, ISO
moments, codes; the page export shows tonnes, Beijing time and labels instead."""

from decimal import Decimal

from flask import current_app, g
from flask_babel import gettext as _, lazy_gettext as _l

from core.formatting import format_datetime
from core.i18n import current_locale
from core.labels import label
from core.exports import export_response
from market import lots as lot_queries, retirements


def _serials(retirement) -> str:
    return " ".join(s["range"] for s in retirements.serials_of(retirement))


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


def _label_once(kind: str, code) -> str:
    """``label(kind, code)`` looked up once per export and language: a million rows would
    otherwise ask the translations a million times."""
    cache = g.setdefault("export_labels", {})  # per request, so per language
    key = (kind, code)
    if key not in cache:
        cache[key] = (_("Yes") if code else _("No")) if kind == "yes_no" else str(label(kind, code))
    return cache[key]


def _page_url(path: str, id_) -> str:
    """The public page a row belongs to, as a link a spreadsheet opens (the API keeps ids)."""
    return f"{current_app.config['BASE_URL']}/{path}/{id_}" if id_ else ""


def _plain_tonnes(kg: int) -> Decimal:
    """``12500`` → ``Decimal("12.500")``: tonnes with three decimals, exact. CSV writes
    ``12.500`` (no grouping, so a spreadsheet reads it as a number); XLSX writes a number
    cell shown with three decimals (``core.exports``), not text that cannot be summed."""
    return Decimal(kg).scaleb(-3)


# (API key, page label, API value, page value)
RETIREMENT_COLUMNS = (
    ("number", _l("Retirement No."), lambda r: r.number, lambda r: r.number),
    ("certificate_number", _l("Certificate No."), lambda r: r.certificate_number,
     lambda r: r.certificate_number),
    ("retired_at", _l("Retired at (Beijing time)"), lambda r: _iso(r.retired_at),
     lambda r: format_datetime(r.retired_at, current_locale())),
    ("purpose", _l("Purpose"), lambda r: r.purpose, lambda r: _label_once("purpose", r.purpose)),
    ("beneficiary_name", _l("Beneficiary"), lambda r: r.beneficiary_name,
     lambda r: r.beneficiary_name),
    ("organization_id", _l("Retiring organisation"), lambda r: r.organization_id,
     lambda r: r.organization.name),
    ("quantity_kg", _l("Quantity (t)"), lambda r: r.quantity_kg,
     lambda r: _plain_tonnes(r.quantity_kg)),
    ("serials", _l("Serial numbers"), _serials, _serials),
    ("period_start", _l("Period start"), lambda r: _iso(r.period_start),
     lambda r: _iso(r.period_start)),
    ("period_end", _l("Period end"), lambda r: _iso(r.period_end), lambda r: _iso(r.period_end)),
    ("event_id", _l("Event page"), lambda r: r.event_id or "",
     lambda r: _page_url("events", r.event_id)),
    ("claim_id", _l("Claim page"), lambda r: r.claim_id or "",
     lambda r: _page_url("claims", r.claim_id)),
    ("case_id", _l("Case page"), lambda r: r.case_id or "",
     lambda r: _page_url("cases", r.case_id)),
    ("revoked", _l("Certificate revoked"), lambda r: "true" if r.revoked else "false",
     lambda r: _label_once("yes_no", r.revoked)),
)

LOT_COLUMNS = (
    ("code", _l("Lot code"), lambda x: x.code, lambda x: x.code),
    ("methodology_code", _l("Methodology"), lambda x: x.methodology_code,
     lambda x: x.methodology_code),
    ("scenario", _l("Scenario"), lambda x: x.scenario, lambda x: str(label("scenario", x.scenario))),
    ("vintage", _l("Vintage"), lambda x: x.vintage, lambda x: x.vintage),
    ("period_start", _l("Period start"), lambda x: _iso(x.period_start),
     lambda x: _iso(x.period_start)),
    ("period_end", _l("Period end"), lambda x: _iso(x.period_end), lambda x: _iso(x.period_end)),
    ("seller_id", _l("Seller"), lambda x: x.seller_id, lambda x: x.seller_id),
    ("issued_kg", _l("Issued (t)"), lambda x: x.issued_kg, lambda x: _plain_tonnes(x.issued_kg)),
    ("available_kg", _l("Available (t)"), lambda x: x.available_kg,
     lambda x: _plain_tonnes(x.available_kg)),
    ("listed_kg", _l("Listed (t)"), lambda x: x.listed_kg, lambda x: _plain_tonnes(x.listed_kg)),
    ("reserved_kg", _l("Reserved (t)"), lambda x: x.reserved_kg,
     lambda x: _plain_tonnes(x.reserved_kg)),
    ("retired_kg", _l("Retired (t)"), lambda x: x.retired_kg,
     lambda x: _plain_tonnes(x.retired_kg)),
    ("issued_at", _l("Issued at (Beijing time)"), lambda x: _iso(x.issued_at),
     lambda x: format_datetime(x.issued_at, current_locale())),
)


def _export(fmt, filename, columns, rows, for_page):
    if for_page:
        header = [str(column[1]) for column in columns]
        cells = lambda item: [column[3](item) for column in columns]  # noqa: E731
    else:
        header = [column[0] for column in columns]
        cells = lambda item: [column[2](item) for column in columns]  # noqa: E731
    return export_response(fmt, filename, header, (cells(item) for item in rows))


def export_retirements(fmt: str, stmt, *, for_page: bool = False):
    """The retirements ``stmt`` selects, every one, newest first, streamed."""
    return _export(fmt, "retirements", RETIREMENT_COLUMNS, retirements.iter_retirements(stmt),
                   for_page)


def export_lots(fmt: str, stmt, *, for_page: bool = False):
    return _export(fmt, "lots", LOT_COLUMNS, lot_queries.iter_lots(stmt), for_page)
