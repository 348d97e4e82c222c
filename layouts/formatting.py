"""Numbers and dates as each language writes them: kk and ru group thousands with a
no-break space and use a decimal comma; en uses commas and a decimal point."""

from __future__ import annotations

from datetime import date

NBSP = "\u00a0"
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec")


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def percent(share: float | None, lang: str, digits: int = 0, signed: bool = False) -> str:
    """0.125 -> "12,5 %" (kk, ru) or "12.5%" (en); signed adds "+" to rises."""
    if share is None:
        return "—"
    text = number(abs(share) * 100, lang, digits)
    sign = "−" if share < 0 else ("+" if signed and share > 0 else "")
    return f"{sign}{text}%" if lang == "en" else f"{sign}{text}{NBSP}%"


def day(value: date | None, lang: str) -> str:
    if value is None:
        return "—"
    if lang == "en":
        return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%d.%m.%Y")
