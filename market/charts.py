"""Server-side SVG charts of the public figures (no script, no CDN): the geometry is
computed here from the aggregates (``market.stats``) and drawn by
``market/templates/market/_charts.html``, each chart beside its data table.

Geometry is in SVG user units of a ``viewBox`` about as wide as a phone (360), so text
stays readable at 390 px; the stylesheet caps the width on larger screens.
"""

from datetime import date

from babel.dates import format_date, format_skeleton

from core.formatting import format_tonnes
from core.i18n import current_locale
from core.labels import label
from market.models.issuance import SCENARIOS
from market.models.movements import PURPOSES

# Colours with at least 3:1 contrast on white (WCAG 1.4.11, graphical objects).
PURPOSE_COLOURS = dict(zip(PURPOSES, (
    "#1b5e20", "#1565c0", "#b71c1c", "#6a1b9a", "#8d4a00", "#00695c")))
ISSUED_COLOUR, RETIRED_COLOUR = "#2e7d32", "#1565c0"
WIDTH = 360


def nice_step(top: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 × 10ⁿ kg) so that ``ticks`` steps cover ``top``."""
    raw = max(1, -(-top // ticks))
    magnitude = 1
    while magnitude * 10 <= raw:
        magnitude *= 10
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def axis_label(kg: int) -> str:
    """Tonnes for an axis: ``12,000`` rather than ``12,000.000`` when whole."""
    text = format_tonnes(kg)
    return text[:-4] if text.endswith(".000") else text


def month_name(month: str, *, short: bool) -> str:
    """``2026-12`` → ``12月`` / ``Dec`` (short) or ``2026年12月`` / ``Dec 2026``."""
    year, number = (int(part) for part in month.split("-"))
    locale = "zh_CN" if current_locale() == "zh" else "en"
    day = date(year, number, 1)
    return (format_date(day, "MMM", locale=locale) if short
            else format_skeleton("yMMM", day, locale=locale))


def retired_by_month_chart(table: dict[str, dict[str, int]]) -> dict:
    """Stacked bars: one per month, one segment per purpose (kg retired). ``empty`` when
    nothing was retired in these months: the page then says so instead of drawing an axis
    with no scale (0–0.004 t)."""
    months = list(table)
    left, top, plot_h, bottom = 56, 10, 160, 24
    plot_w = WIDTH - left - 6
    totals = [sum(table[m].values()) for m in months]
    step = nice_step(max(totals + [1]))
    axis_top = step * 4
    slot = plot_w / max(1, len(months))
    bar_w = slot * 0.7
    bars = []
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        segments = []
        for purpose in PURPOSES:
            kg = table[month][purpose]
            if kg:
                h = plot_h * kg / axis_top
                y -= h
                segments.append({"x": round(x, 1), "y": round(y, 1), "width": round(bar_w, 1),
                                 "height": round(max(h, 0.5), 1),
                                 "colour": PURPOSE_COLOURS[purpose], "purpose": purpose, "kg": kg})
        bars.append({"month": month, "label": month_name(month, short=True),
                     "name": month_name(month, short=False), "total_kg": totals[i],
                     "label_x": round(x + bar_w / 2, 1), "segments": segments})
    ticks = [{"y": round(top + plot_h - plot_h * k / 4, 1), "label": axis_label(step * k)}
             for k in range(5)]
    return {"empty": not any(totals),
            "width": WIDTH, "height": top + plot_h + bottom, "left": left, "right": WIDTH - 6,
            "baseline": top + plot_h, "label_y": top + plot_h + 17, "bars": bars, "ticks": ticks,
            "legend": [{"purpose": p, "colour": PURPOSE_COLOURS[p], "label": label("purpose", p)}
                       for p in PURPOSES],
            "rows": [{"name": b["name"], "total_kg": b["total_kg"],
                      "by_purpose": [table[b["month"]][p] for p in PURPOSES]} for b in bars]}


def scenario_chart(table: dict[str, dict[str, int]]) -> dict:
    """Pairs of horizontal bars: issued and retired kg per scenario; ``empty`` when nothing
    has been issued or retired yet."""
    left, top, row_h, bar_h = 64, 4, 34, 12
    plot_w = WIDTH - left - 10
    step = nice_step(max([v["issued_kg"] for v in table.values()] + [1]))
    axis_max = step * 4
    rows = []
    for i, scenario in enumerate(SCENARIOS):
        y = top + i * row_h
        issued, retired = table[scenario]["issued_kg"], table[scenario]["retired_kg"]
        rows.append({"scenario": scenario, "label": label("scenario", scenario),
                     "label_y": y + bar_h + 3, "issued_kg": issued, "retired_kg": retired,
                     "issued": {"y": y + 2, "width": round(plot_w * issued / axis_max, 1)},
                     "retired": {"y": y + 2 + bar_h + 2,
                                 "width": round(plot_w * retired / axis_max, 1)}})
    axis_y = top + len(SCENARIOS) * row_h
    ticks = [{"x": round(left + plot_w * k / 4, 1), "label": axis_label(step * k)}
             for k in range(5)]
    return {"empty": not any(r["issued_kg"] or r["retired_kg"] for r in rows),
            "width": WIDTH, "height": axis_y + 20, "left": left, "axis_y": axis_y,
            "tick_label_y": axis_y + 15, "bar_h": bar_h, "rows": rows, "ticks": ticks,
            "issued_colour": ISSUED_COLOUR, "retired_colour": RETIRED_COLOUR}
