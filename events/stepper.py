"""The host's steps of a carbon-neutral event (MEE guideline): registered → estimate →
commitment → event held → actual → offset → neutral, and which one is current.

Read from the event's view (``events.views.event_view``) and today's date in China; the
rules themselves stay in ``events.hosting`` — a step only says what the host may do next.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

STEPS = (
    ("registered", _l("Registered")),
    ("estimate", _l("Estimate")),
    ("commitment", _l("Commitment")),
    ("held", _l("Event held")),
    ("actual", _l("Actual footprint")),
    ("offset", _l("Offset")),
    ("neutral", _l("Carbon neutral")),
)


@dataclass(frozen=True)
class Step:
    code: str
    label: object  # lazy text
    state: str  # "done", "current", "todo" or "skipped"


def _done(view: dict, today: date) -> dict[str, bool]:
    stages = {item["footprint"].stage for item in view.get("footprints", ())}
    actual = "actual" in stages
    return {
        "registered": True,
        "estimate": "estimate" in stages or actual,
        "commitment": bool(view["commitment_certificate_number"]),
        "held": today >= view["end_date"],
        "actual": actual,
        "offset": actual and view["outstanding_kg"] == 0,
        "neutral": view["status"] == "neutral",
    }


def steps_of(view: dict, today: date) -> list[Step]:
    """Each step with its state; the first step not done (and not skipped) is current.
    The estimate and the commitment are skipped when they were not made before the event
    ended (or before an actual footprint came in): the host goes on to the actual one."""
    done = _done(view, today)
    if view["status"] == "neutral":
        done = {code: True for code in done} | {"commitment": done["commitment"]}
    over = done["actual"] or today > view["end_date"]
    skipped = {code for code in ("estimate", "commitment") if over and not done[code]}
    steps, current_found = [], False
    for code, text in STEPS:
        if code in skipped:
            state = "skipped"
        elif done[code]:
            state = "done"
        elif not current_found:
            state, current_found = "current", True
        else:
            state = "todo"
        steps.append(Step(code, text, state))
    return steps


def current_step(steps: list[Step]) -> str | None:
    """The code of the current step (None once every step is done)."""
    return next((step.code for step in steps if step.state == "current"), None)
