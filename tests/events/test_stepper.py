"""The host's stepper: which step is current, and which are skipped when the event ended
before the host estimated or committed."""

from datetime import date
from types import SimpleNamespace

from events.stepper import current_step, steps_of

END = date(2026, 6, 12)


def view(*stages, commitment=None, status="planned", outstanding=None):
    return {"footprints": [{"footprint": SimpleNamespace(stage=s)} for s in stages],
            "commitment_certificate_number": commitment, "end_date": END,
            "status": status, "outstanding_kg": outstanding}


def states(steps) -> dict:
    return {step.code: step.state for step in steps}


def test_a_new_event_starts_at_the_estimate_and_every_later_step_is_to_do():
    steps = steps_of(view(), date(2026, 5, 1))
    assert current_step(steps) == "estimate"
    assert states(steps) == {"registered": "done", "estimate": "current", "commitment": "todo",
                             "held": "todo", "actual": "todo", "offset": "todo",
                             "neutral": "todo"}


def test_the_steps_follow_the_estimate_the_commitment_and_the_calendar():
    assert current_step(steps_of(view("estimate"), date(2026, 5, 1))) == "commitment"
    committed = view("estimate", commitment="JLC-2026-000001", status="committed")
    assert current_step(steps_of(committed, date(2026, 6, 11))) == "held"
    assert current_step(steps_of(committed, END)) == "actual"  # from the last day on
    actual = view("estimate", "actual", commitment="JLC-2026-000001",
                  status="awaiting_offset", outstanding=3_090)
    assert current_step(steps_of(actual, date(2026, 6, 20))) == "offset"
    neutral = {**actual, "status": "neutral", "outstanding_kg": 0}
    steps = steps_of(neutral, date(2026, 6, 20))
    assert current_step(steps) is None and set(states(steps).values()) == {"done"}


def test_an_event_that_ended_unestimated_skips_to_the_actual_footprint():
    steps = steps_of(view(), date(2026, 6, 13))
    assert states(steps)["estimate"] == "skipped" and states(steps)["commitment"] == "skipped"
    assert current_step(steps) == "actual"
    late = steps_of(view("estimate", "actual", status="awaiting_offset", outstanding=5),
                    date(2026, 6, 13))
    assert states(late)["commitment"] == "skipped" and current_step(late) == "offset"
