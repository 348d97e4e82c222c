"""plotly.js locales passed in each graph's config. plotly.js ships no Kazakh locale and
its Russian one is a separate script, so both travel with the figure config instead (the
page loads nothing from other hosts). Month and day names and the decimal and group
separators come from CLDR through Babel; only the mode bar's words are ours."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from babel import Locale

from layouts.formatting import first_day_of_week, plotly_separators

# The mode bar's words (plotly.js's dictionary): not in CLDR.
_KK_WORDS = {
    "Autoscale": "Автомасштаб",
    "Box Select": "Тіктөртбұрышпен таңдау",
    "Download plot as a png": "Суретті PNG ретінде жүктеу",
    "Lasso Select": "Лассомен таңдау",
    "Pan": "Жылжыту",
    "Reset axes": "Осьтерді қалпына келтіру",
    "Zoom": "Үлкейту",
    "Zoom in": "Жақындату",
    "Zoom out": "Алыстату",
    "Reset view": "Көріністі қалпына келтіру",
    "Double-click to zoom back out": "Кішірейту үшін екі рет басыңыз",
}

_RU_WORDS = {
    "Autoscale": "Автошкала",
    "Download plot as a png": "Сохранить как PNG",
    "Pan": "Сдвиг",
    "Reset axes": "Сбросить оси",
    "Zoom": "Зум",
    "Zoom in": "Приблизить",
    "Zoom out": "Отдалить",
    "Reset view": "Сбросить вид",
    "Double-click to zoom back out": "Дважды щёлкните, чтобы отдалить",
}


def _names(names) -> list[str]:
    return [names[i] for i in sorted(names)]


@cache
def _format(lang: str) -> dict:
    """plotly.js's `format` for `lang` from CLDR: stand-alone month and day names (as an
    axis label stands alone; Sunday first, as d3 wants them), separators, DD.MM.YYYY."""
    cldr = Locale.parse(lang)
    days = cldr.days["stand-alone"]
    decimal, thousands = plotly_separators(lang)
    return {
        "days": _week(days["wide"]),  # Sunday first, as d3 wants them
        "shortDays": _week(days["abbreviated"]),
        "months": _names(cldr.months["stand-alone"]["wide"]),
        "shortMonths": _names(cldr.months["stand-alone"]["abbreviated"]),
        "date": "%d.%m.%Y",
        "decimal": decimal,
        "thousands": thousands,
        "grouping": [3],
        "currency": ["", "\u00a0₸"],
        "year": "%Y",
        "month": "%b %Y",
        "dayMonth": "%d %b",
        "dayMonthYear": "%d %b %Y",
    }


def locale(lang: str) -> dict:
    """The plotly.js locale of `lang` (kk or ru): the mode bar's words and CLDR's format."""
    return {"dictionary": _DICTIONARIES[lang], "format": _format(lang)}


_DICTIONARIES = {"kk": _KK_WORDS, "ru": _RU_WORDS}
LOCALES = ("kk", "ru")


def graph_config(lang: str) -> dict:
    """The dcc.Graph config for `lang`: its locale, no plotly logo, no outside links."""
    config = {"displaylogo": False, "responsive": True,
              "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud"]}
    if lang in LOCALES:
        config.update({"locale": lang, "locales": {lang: locale(lang)}})
    return config


PLOTLY_DEFAULT_HEIGHT = 450


def graph_box_style(figure) -> dict:
    """The style of the box around a dcc.Graph: as tall as the figure will be, from the
    start. plotly.js arrives after the page (it is loaded on demand), and a box that grew
    only then pushed everything below it down (layout shift)."""
    height = getattr(getattr(figure, "layout", None), "height", None)
    if height is None and isinstance(figure, dict):
        height = (figure.get("layout") or {}).get("height")
    return {"minHeight": f"{int(height or PLOTLY_DEFAULT_HEIGHT)}px"}


# --- the date picker's calendar ---------------------------------------------------------

DATEPICKER_ASSET = Path(__file__).resolve().parent.parent / "assets" / "datepicker-names.js"


def _week(names) -> list[str]:
    """Babel's day names (0 is Monday) Sunday first, as date-fns counts them."""
    return [names[i] for i in (6, 0, 1, 2, 3, 4, 5)]


def datepicker_names(lang: str) -> dict:
    """The calendar's names in `lang` from CLDR (stand-alone: a calendar's heading and its
    weekday row stand alone) and the first day of its week."""
    cldr = Locale.parse(lang)
    months, days = cldr.months["stand-alone"], cldr.days["stand-alone"]
    return {
        "months": {width: _names(months[width]) for width in ("wide", "abbreviated",
                                                                "narrow")},
        "days": {width: _week(days[width]) for width in ("wide", "abbreviated", "short",
                                                           "narrow")},
        "weekStartsOn": first_day_of_week(lang),
    }


def datepicker_script() -> str:
    """assets/datepicker-names.js: the calendar's names in kk and ru from CLDR, which
    assets/datepicker-locale.js hands Dash's date picker. `python -m layouts.plotly_locale`
    writes it; tests/test_formatting.py checks it is what CLDR gives."""
    names = json.dumps({lang: datepicker_names(lang) for lang in LOCALES},
                       ensure_ascii=False, indent=1, sort_keys=True)
    return _NAMES_JS.replace("/*NAMES*/{}", names)


_NAMES_JS = """\
// Generated by `python -m layouts.plotly_locale` from CLDR (Babel): do not edit by hand.
// The date picker's month and day names for assets/datepicker-locale.js.
window.probationCalendarNames = /*NAMES*/{};
"""


if __name__ == "__main__":
    DATEPICKER_ASSET.write_text(datepicker_script(), encoding="utf-8")
