"""Replaying ledger items into serial-range ownership, checking every step is legal.

Pure functions over the public ledger items, shared by ``flask audit`` (inside the
database) and the public monitor (over HTTP): both must reach the same verdict.
"""

from bisect import bisect_right

# entry type → (states the range may be in before, state after)
TRANSITIONS = {
    "issue": (None, "available"),
    "list": ({"available"}, "listed"),
    "delist": ({"listed"}, "available"),
    "reserve": ({"listed"}, "reserved"),
    "release": ({"reserved"}, "listed"),
    "transfer": ({"available", "reserved"}, "available"),
    "retire": ({"available", "reserved"}, "retired"),
}


class IllegalHistory(ValueError):
    """A ledger item that cannot follow the items before it."""


class Replay:
    """Serial ranges per lot code: sorted, non-overlapping ``[start, end, owner, state]``."""

    def __init__(self):
        self.lots: dict[str, list[list]] = {}
        # Each lot's range starts, kept beside the ranges so a lookup is a bisect, not a
        # rebuild: replay stays near-linear however finely a lot is split.
        self.starts: dict[str, list[int]] = {}
        self.next_seq = 0

    def apply(self, item: dict) -> None:
        seq, kind = item["seq"], item["type"]
        if seq != self.next_seq:
            raise IllegalHistory(f"entry {seq}: expected seq {self.next_seq}")
        self.next_seq += 1
        start, end, code = item["serial_start"], item["serial_end"], item["lot_code"]
        if kind not in TRANSITIONS:
            raise IllegalHistory(f"entry {seq}: unknown type {kind!r}")
        if not 1 <= start <= end or item["quantity_kg"] != end - start + 1:
            raise IllegalHistory(f"entry {seq}: bad serial range {start}-{end}")
        before, after = TRANSITIONS[kind]
        ranges = self.lots.setdefault(code, [])
        starts = self.starts.setdefault(code, [])
        if kind == "issue":
            if ranges or start != 1:
                raise IllegalHistory(f"entry {seq}: lot {code} issued twice or not from serial 1")
            ranges.append([start, end, item["to_org_id"], after])
            starts.append(start)
            return
        self._split(ranges, starts, start)
        self._split(ranges, starts, end + 1)
        i = bisect_right(starts, start) - 1
        covered = start
        j = i
        while j < len(ranges) and j >= 0 and ranges[j][0] <= end:
            piece = ranges[j]
            if piece[0] != covered:
                break
            if piece[2] != item["from_org_id"]:
                raise IllegalHistory(
                    f"entry {seq}: {code} {piece[0]}-{piece[1]} is held by org {piece[2]}, "
                    f"not {item['from_org_id']}")
            if piece[3] not in before:
                raise IllegalHistory(
                    f"entry {seq}: {kind} of {code} {piece[0]}-{piece[1]} which is {piece[3]}"
                    + (" (retired twice)" if piece[3] == "retired" else ""))
            covered = piece[1] + 1
            j += 1
        if i < 0 or covered != end + 1:
            raise IllegalHistory(f"entry {seq}: {code} {start}-{end} was never issued whole")
        for piece in ranges[i:j]:
            piece[2], piece[3] = item["to_org_id"], after

    @staticmethod
    def _split(ranges: list[list], starts: list[int], at: int) -> None:
        i = bisect_right(starts, at) - 1
        if i >= 0 and ranges[i][0] < at <= ranges[i][1]:
            piece = ranges[i]
            ranges.insert(i + 1, [at, piece[1], piece[2], piece[3]])
            starts.insert(i + 1, at)
            piece[1] = at - 1

    def state(self) -> dict[str, list[tuple]]:
        return {code: normalise(ranges) for code, ranges in self.lots.items()}


def normalise(ranges) -> list[tuple]:
    """Merge neighbouring ranges with the same owner and state, for comparison."""
    merged: list[list] = []
    for start, end, owner, state in sorted(ranges):
        if merged and merged[-1][1] + 1 == start and merged[-1][2:] == [owner, state]:
            merged[-1][1] = end
        else:
            merged.append([start, end, owner, state])
    return [tuple(r) for r in merged]
