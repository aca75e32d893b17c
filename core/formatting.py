"""Display formatting of integer quantities for certificates and templates.

Quantities live as integer kilograms of CO2e everywhere; these helpers turn them into the
strings a reader sees. They use integer arithmetic only, so a tonne figure is never off by
a float rounding error. Thousands are grouped with a plain space ("1 234.567"), the
convention DOMAIN.md writes its own figures in.
"""

GROUP_SEPARATOR = " "


def _check_kg(kg: int) -> int:
    # bool is an int subclass; a float or Decimal here means a caller skipped the unit model.
    if not isinstance(kg, int) or isinstance(kg, bool):
        raise TypeError(f"quantities are integer kilograms, got {type(kg).__name__}: {kg!r}")
    return kg


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return GROUP_SEPARATOR.join(parts)


def format_kg(kg: int) -> str:
    """Integer kilograms with grouped thousands: 12345 → "12 345"."""
    kg = _check_kg(kg)
    sign = "-" if kg < 0 else ""
    return sign + _group(str(abs(kg)))


def format_tonnes(kg: int) -> str:
    """Integer kilograms as tonnes with exactly three decimals: 12345 → "12.345",
    5 → "0.005", 1234567 → "1 234.567"."""
    kg = _check_kg(kg)
    sign = "-" if kg < 0 else ""
    whole, rest_kg = divmod(abs(kg), 1000)
    return f"{sign}{_group(str(whole))}.{rest_kg:03d}"


def format_yuan(fen: int) -> str:
    """Integer fen as yuan with two decimals, grouped like the quantities: 123456 → "1 234.56"."""
    fen = _check_kg(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{_group(str(yuan))}.{cents:02d}"
