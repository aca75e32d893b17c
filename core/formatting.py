"""Display formatting of quantities, money and moments for pages, PDFs and messages.

Quantities live as integer kilograms of CO2e everywhere; these helpers turn them into the
strings a reader sees. They use integer arithmetic only, so a tonne figure is never off by
a float rounding error. Thousands are grouped with a comma in Chinese and English alike
("3,245.029", DOMAIN.md §8). Nothing formatted here goes into a signed credential or the
ledger's canonical JSON: those carry integers and ISO timestamps.

Moments are stored in UTC and shown in China Standard Time (``core.clock.CHINA``):
``2026年12月1日 07:42`` in Chinese, ``1 Dec 2026, 07:42 CST`` in English.
"""

from datetime import date, datetime, timezone

from core.clock import CHINA

GROUP_SEPARATOR = ","
NBSP = "\u00a0"

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec")


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
    """Integer kilograms with grouped thousands: 12345 → "12,345"."""
    kg = _check_kg(kg)
    sign = "-" if kg < 0 else ""
    return sign + _group(str(abs(kg)))


def format_tonnes(kg: int) -> str:
    """Integer kilograms as tonnes with exactly three decimals: 12345 → "12.345",
    5 → "0.005", 1234567 → "1,234.567"."""
    kg = _check_kg(kg)
    sign = "-" if kg < 0 else ""
    whole, rest_kg = divmod(abs(kg), 1000)
    return f"{sign}{_group(str(whole))}.{rest_kg:03d}"


def format_decimal_text(value) -> str:
    """An exact decimal quantity (str, int or Decimal, as activity inputs are stored) with
    its whole part grouped and its decimals kept as written: "100000" → "100,000",
    "12000.5" → "12,000.5". Anything that is not a plain decimal comes back unchanged."""
    text = str(value).strip()
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, rest = body.partition(".")
    if not whole.isdigit() or (rest and not rest.isdigit()):
        return text
    return f"{sign}{_group(whole)}{dot}{rest}"


def format_yuan(fen: int) -> str:
    """Integer fen as yuan with two decimals, grouped like the quantities: 123456 → "1,234.56"."""
    fen = _check_kg(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{_group(str(yuan))}.{cents:02d}"


def format_money(fen: int) -> str:
    """Integer fen as ``¥1,234.56`` (the sign before the symbol: ``-¥5.00``)."""
    text = format_yuan(fen)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


# -- Amount in words (大写金额) ---------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _section_in_words(section: int) -> str:
    """0 < section < 10000 in words, with 零 for inner runs of zero digits (1005 → 壹仟零伍)."""
    words, zero_pending = "", False
    for position in range(3, -1, -1):
        digit = section // 10 ** position % 10
        if digit == 0:
            zero_pending = bool(words)
            continue
        if zero_pending:
            words += "零"
            zero_pending = False
        words += _DIGITS[digit] + _SMALL_UNITS[position]
    return words


def _yuan_in_words(yuan: int) -> str:
    """The yuan part, read in sections of four digits (个, 万, 亿, 万亿)."""
    sections = []
    while yuan:
        yuan, section = divmod(yuan, 10000)
        sections.append(section)
    words, gap = "", False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            gap = bool(words)
            continue
        # One 零 where zeros separate two spoken digits: a whole empty section between
        # (壹亿零伍) or this section's own leading zeros (壹万零伍).
        if words and (gap or section < 1000):
            words += "零"
        words += _section_in_words(section) + _BIG_UNITS[index]
        gap = False
    return words


def amount_in_words(fen: int) -> str:
    """Integer fen as the Chinese uppercase amount (大写金额) written on payment notices.

    Bank convention (中国人民银行《支付结算办法》附件 正确填写票据和结算凭证的基本规定):

    * ``人民币`` first; ``元`` after the yuan part; ``整`` when there are no jiao and no fen
      (``人民币壹拾元整``, not ``拾元``: the leading 壹 of 壹拾 is always written);
    * one 零 for a run of zero digits inside the figure (``壹万零伍元整``, ``壹仟零壹元``,
      ``壹佰万零壹元零壹分``); none for trailing zeros (``壹拾万元整``);
    * when jiao is zero and fen is not, 零 stands between 元 and the fen
      (``壹元零伍分``); below one yuan the 元 is left out (``人民币伍分``, ``人民币伍角``);
    * fen zero after a non-zero jiao: ``…伍角整`` is not written, just ``伍角``.

    Zero reads ``人民币零元整``.
    """
    fen = _check_kg(fen)
    if fen < 0:
        raise ValueError("an amount in words is never negative")
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    if fen == 0:
        return "人民币零元整"
    words = "人民币"
    if yuan:
        words += _yuan_in_words(yuan) + "元"
    if not jiao and not cents:
        return words + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if cents:
        words += _DIGITS[cents] + "分"
    return words


# -- Moments --------------------------------------------------------------------------

def parse_moment(value) -> datetime | date | None:
    """A datetime, a date, or the strings stored in certificate views (ISO 8601, or the
    older ``YYYY-MM-DD HH:MM UTC``) as an aware datetime or a date."""
    if value is None or value == "":
        return None
    if isinstance(value, (datetime, date)):
        return value
    text = str(value).strip()
    if text.endswith(" UTC"):
        return datetime.strptime(text[:-4], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def in_china(value) -> datetime | date | None:
    """The moment in China Standard Time; a naive datetime is taken as UTC (how the
    database returns stored times); a date stays as it is."""
    moment = parse_moment(value)
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(CHINA)
    return moment


def china_date(value) -> date | None:
    """The Beijing date of a moment (a certificate's 签发日期 / 注销日期)."""
    moment = in_china(value)
    return moment.date() if isinstance(moment, datetime) else moment


def format_date(value, locale: str = "zh") -> str:
    """``2026年12月1日`` / ``1 Dec 2026``: the Beijing date of a moment, or a date."""
    day = china_date(value)
    if day is None:
        return ""
    if locale == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def date_values(start, end=None) -> dict:
    """A date or a period for a certificate's subject line: ``value`` in Chinese
    (``2026年1月1日 — 2026年12月31日``) and ``value_en`` in English (DOMAIN.md §8)."""
    if end is None:
        return {"value": format_date(start, "zh"), "value_en": format_date(start, "en")}
    return {"value": f"{format_date(start, 'zh')} — {format_date(end, 'zh')}",
            "value_en": f"{format_date(start, 'en')} – {format_date(end, 'en')}"}


def format_datetime(value, locale: str = "zh") -> str:
    """``2026年12月1日 07:42`` / ``1 Dec 2026, 07:42 CST``, always China Standard Time."""
    moment = in_china(value)
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return format_date(moment, locale)
    clock_time = moment.strftime("%H:%M")
    if locale == "en":
        return f"{format_date(moment, 'en')}, {clock_time} CST"
    return f"{format_date(moment, 'zh')} {clock_time}"
