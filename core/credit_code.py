"""统一社会信用代码 (unified social credit code) check, GB 32100-2015."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character that GB 32100 derives from the first seventeen."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` has 18 symbols of the GB 32100 alphabet and a matching check."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in ALPHABET for c in code):
        return False
    return check_character(code[:17]) == code[17]
