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

DATEPICKER_ASSET = Path(__file__).resolve().parent.parent / "assets" / "datepicker-locale.js"


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
    """assets/datepicker-locale.js: Dash's date picker (date-fns) looks its locale up in
    window.dateFns.locale by the browser's languages; this answers every lookup with the
    page's language (<html lang>), kk or ru, so the calendar speaks the page's language
    whatever the browser's. English pages get date-fns's own English. Generated from CLDR:
    `python -m layouts.plotly_locale` writes it; tests/test_formatting.py checks it."""
    names = json.dumps({lang: datepicker_names(lang) for lang in LOCALES},
                       ensure_ascii=False, indent=1, sort_keys=True)
    return _DATEPICKER_JS.replace("/*NAMES*/{}", names)


_DATEPICKER_JS = """\
// Generated by layouts/plotly_locale.py from CLDR (Babel): do not edit by hand.
// Dash's date picker takes its month and day names from window.dateFns.locale, looked up
// by the browser's languages; every lookup here answers with the page's language.
(function () {
  "use strict";
  var NAMES = /*NAMES*/{};
  function none() { return null; }
  function build(code, n) {
    function pick(table, i, width) { return (table[width] || table.wide)[i]; }
    return {
      code: code,
      localize: {
        ordinalNumber: function (x) { return String(x); },
        era: function (i) { return ["BC", "AD"][i]; },
        quarter: function (q) { return String(q); },
        month: function (i, o) { return pick(n.months, i, (o && o.width) || "wide"); },
        day: function (i, o) { return pick(n.days, i, (o && o.width) || "wide"); },
        dayPeriod: function (p) { return p === "pm" ? "PM" : "AM"; }
      },
      formatLong: {
        date: function () { return "dd.MM.y"; },
        time: function () { return "HH:mm"; },
        dateTime: function () { return "{{date}} {{time}}"; }
      },
      match: {ordinalNumber: none, era: none, quarter: none, month: none, day: none,
              dayPeriod: none},
      options: {weekStartsOn: n.weekStartsOn, firstWeekContainsDate: 1}
    };
  }
  var built = {};
  Object.keys(NAMES).forEach(function (code) { built[code] = build(code, NAMES[code]); });
  function page() {
    return built[(document.documentElement.lang || "").split("-")[0]];
  }
  window.dateFns = window.dateFns || {};
  window.dateFns.locale = new Proxy({}, {get: function () { return page(); }});
})();
"""


if __name__ == "__main__":
    DATEPICKER_ASSET.write_text(datepicker_script(), encoding="utf-8")
