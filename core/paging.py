"""The ``?page=`` of a page's list, read the way every list page reads it."""

from flask import request

# As core.schemas.PageArgs allows in the API: beyond this no list has rows, and an offset
# built from a larger number overflows the database's 64-bit integers (a 500).
MAX_PAGE = 10**6


def page_number() -> int:
    """``?page=`` as an int in 1..MAX_PAGE: missing, not a number or below 1 → 1, above the
    maximum → MAX_PAGE (an empty page, as any page past the last)."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)
