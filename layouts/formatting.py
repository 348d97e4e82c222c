"""Numbers and dates as each language writes them, from CLDR through Babel: kk and ru group
thousands with a no-break space and use a decimal comma; en uses commas and a decimal point.
Percent follows each language's CLDR pattern ("12,5 %" in ru, "12,5%" in kk, "12.5%" in
en). Two choices are ours, not CLDR's: the minus is U+2212 (CLDR gives the hyphen-minus for
kk, ru and en) and a value that rounds to zero never carries a sign ("0,0 %", not
"-0,0 %"). Dates are DD.MM.YYYY in kk and ru, CLDR's medium date in en ("Dec 31, 2025").

Every table, KPI card, review pack, export's display text and plotly figure formats through
here (plotly through `plotly_separators` and layouts/plotly_locale.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

import numpy as np
from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time
from babel.numbers import format_percent

NBSP = "\u00a0"
MINUS = "\u2212"
DATE_PATTERNS = {"kk": "dd.MM.y", "ru": "dd.MM.y"}  # others: CLDR's medium date
# The same days in the date inputs (Dash's date picker takes moment.js tokens).
DATE_INPUT_FORMATS = {"kk": "DD.MM.YYYY", "ru": "DD.MM.YYYY", "en": "MMM D, YYYY"}


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in ("kk", "ru", "en") else "kk")


def _rounded(value, digits: int) -> Decimal:
    """`value` rounded to `digits` decimals (half to even, as CLDR formatting does), with
    the sign of a zero dropped."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)
    return rounded.copy_abs() if rounded == 0 else rounded


@cache
def _symbols(lang: str) -> tuple[str, str, str, str]:
    """CLDR's decimal and group symbols of `lang`, and the text its percent pattern puts
    before and after the number. Read once per language: formatting each of a page's
    hundreds of numbers through Babel's pattern engine cost a tenth of the staff page."""
    locale = _locale(lang)
    symbols = locale.number_symbols["latn"]
    pattern = locale.decimal_formats[None].pattern.split(";")[0]
    if pattern != "#,##0.###":  # grouping other than by thousands: not one of ours
        raise ValueError(f"unexpected decimal pattern {pattern!r} for {lang}")
    zero = format_percent(0, locale=locale)
    before, after = zero.split("0", 1)
    return symbols["decimal"], symbols["group"], before, after


def _digits(rounded: Decimal | int, digits: int, lang: str) -> str:
    """`rounded` (already rounded to `digits`) with the locale's symbols, U+2212 for minus."""
    decimal, group, _, _ = _symbols(lang)
    text = f"{abs(rounded):,.{digits}f}".replace(",", "\0").replace(".", decimal)
    return (MINUS if rounded < 0 else "") + text.replace("\0", group)


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """1234.5 -> "1 234,5" (kk, ru; the space is U+00A0) or "1,234.5" (en)."""
    if value is None or value != value:  # None or NaN
        return "—"
    if digits == 0 and isinstance(value, int | np.integer):  # a count: nothing to round
        return _digits(int(value), 0, lang)
    return _digits(_rounded(value, digits), digits, lang)


def percent(share: float | None, lang: str, digits: int = 0, signed: bool = False) -> str:
    """0.125 -> "12,5 %" (ru), "12,5%" (kk) or "12.5%" (en), with `digits` decimals, in
    CLDR's percent pattern; signed adds the plus sign to rises."""
    if share is None or share != share:
        return "—"
    rounded = _rounded(Decimal(str(share)) * 100, digits)
    _, _, before, after = _symbols(lang)
    text = _digits(rounded, digits, lang)
    sign = MINUS if text.startswith(MINUS) else ""
    text = f"{sign}{before}{text.removeprefix(MINUS)}{after}"
    if signed and rounded > 0:
        text = _locale(lang).number_symbols["latn"]["plusSign"] + text
    return text


def day(value: date | None, lang: str) -> str:
    """31 December 2025 -> "31.12.2025" (kk, ru) or "Dec 31, 2025" (en)."""
    if value is None:
        return "—"
    return format_date(value, format=DATE_PATTERNS.get(lang, "medium"), locale=_locale(lang))


def moment(value: datetime | None, lang: str) -> str:
    """A day and time: "31.12.2025 14:05" (kk, ru), "Dec 31, 2025 2:05 PM" (en, CLDR's
    short time)."""
    if value is None:
        return "—"
    time = format_time(value, format="HH:mm" if lang in DATE_PATTERNS else "short",
                       locale=_locale(lang))
    return f"{day(value.date(), lang)} {time}"


def month(value: date, lang: str) -> str:
    """The month and year of `value` in CLDR's year-month form: "2025 ж. жел." (kk),
    "дек. 2025 г." (ru), "Dec 2025" (en)."""
    return format_skeleton("yMMM", value, locale=_locale(lang))


def months(start: date, end: date, lang: str) -> str:
    """The months from `start` to `end` in CLDR's interval form: "2026 ж. қаң.–қар." (kk),
    "янв. — нояб. 2026 г." (ru), "Jan – Nov 2026" (en); within one month its days
    ("1–24 қар. 2026"-like): how an unfinished period names what it holds."""
    if (start.year, start.month) == (end.year, end.month):
        if start.day == 1 and (end + timedelta(days=1)).day == 1:
            return month(start, lang)
        return format_interval(start, end, "yMMMd", locale=_locale(lang))
    return format_interval(start, end, "yMMM", locale=_locale(lang))


def quarter(value: date, lang: str) -> str:
    """The quarter and year of `value` in CLDR's form: "4-й кв. 2025 г." (ru), "Q4 2025"."""
    return format_skeleton("yQQQ", value, locale=_locale(lang))


def first_day_of_week(lang: str) -> int:
    """The first day of CLDR's week for `lang`, Sunday 0 (Monday, 1, in kk and ru)."""
    return (_locale(lang).first_week_day + 1) % 7


def grid_whole_numbers(lang: str) -> dict:
    """An AG Grid valueFormatter writing whole numbers with CLDR's group symbol, in the
    browser (the cell keeps its number, so it sorts and filters as one)."""
    group = json.dumps(plotly_separators(lang)[1])
    return {"function": f"params.value == null ? '' : "
                        f"d3.format(',')(params.value).replace(/,/g, {group})"}


def plotly_separators(lang: str) -> str:
    """plotly's `separators` for `lang`: its decimal symbol, then its group symbol."""
    symbols = _locale(lang).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]
