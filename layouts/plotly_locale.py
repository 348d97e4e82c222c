"""plotly.js locales passed in each graph's config. plotly.js ships no Kazakh locale and
its Russian one is a separate script, so both travel with the figure config instead."""

from __future__ import annotations

_KK = {
    "dictionary": {
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
    },
    "format": {
        "days": ["Жексенбі", "Дүйсенбі", "Сейсенбі", "Сәрсенбі", "Бейсенбі", "Жұма", "Сенбі"],
        "shortDays": ["Жс", "Дс", "Сс", "Ср", "Бс", "Жм", "Сб"],
        "months": ["Қаңтар", "Ақпан", "Наурыз", "Сәуір", "Мамыр", "Маусым", "Шілде", "Тамыз",
                   "Қыркүйек", "Қазан", "Қараша", "Желтоқсан"],
        "shortMonths": ["Қаң", "Ақп", "Нау", "Сәу", "Мам", "Мау", "Шіл", "Там", "Қыр", "Қаз",
                        "Қар", "Жел"],
        "date": "%d.%m.%Y",
        "decimal": ",",
        "thousands": "\u00a0",
        "grouping": [3],
        "currency": ["", "\u00a0₸"],
        "year": "%Y",
        "month": "%b %Y",
        "dayMonth": "%d %b",
        "dayMonthYear": "%d %b %Y",
    },
}

_RU = {
    "dictionary": {
        "Autoscale": "Автошкала",
        "Download plot as a png": "Сохранить как PNG",
        "Pan": "Сдвиг",
        "Reset axes": "Сбросить оси",
        "Zoom": "Зум",
        "Zoom in": "Приблизить",
        "Zoom out": "Отдалить",
        "Reset view": "Сбросить вид",
        "Double-click to zoom back out": "Дважды щёлкните, чтобы отдалить",
    },
    "format": {
        "days": ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница",
                 "суббота"],
        "shortDays": ["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
        "months": ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                   "сентябрь", "октябрь", "ноябрь", "декабрь"],
        "shortMonths": ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт",
                        "ноя", "дек"],
        "date": "%d.%m.%Y",
        "decimal": ",",
        "thousands": "\u00a0",
        "grouping": [3],
        "currency": ["", "\u00a0₸"],
        "year": "%Y",
        "month": "%b %Y",
        "dayMonth": "%d %b",
        "dayMonthYear": "%d %b %Y",
    },
}

LOCALES = {"kk": _KK, "ru": _RU}


def graph_config(lang: str) -> dict:
    """The dcc.Graph config for `lang`: its locale, no plotly logo, no outside links."""
    config = {"displaylogo": False, "responsive": True,
              "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud"]}
    if lang in LOCALES:
        config.update({"locale": lang, "locales": {lang: LOCALES[lang]}})
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
