"""Numbers and dates per language, from CLDR through Babel (issue 26 item 1). The
expectations are written out by hand: U+00A0 is the group separator CLDR gives kk and ru,
U+2212 the minus we use in every language."""

from datetime import date

import pytest

from layouts.formatting import day, month, number, percent, plotly_separators, quarter

NBSP, MINUS = "\u00a0", "\u2212"


@pytest.mark.parametrize(("lang", "expected"), [("kk", "1\u00a0600"), ("ru", "1\u00a0600"),
                                                ("en", "1,600")])
def test_grouping(lang, expected):
    assert number(1600, lang) == expected


@pytest.mark.parametrize(("lang", "expected"), [("kk", "1\u00a0234,5"), ("ru", "1\u00a0234,5"),
                                                ("en", "1,234.5")])
def test_decimal(lang, expected):
    assert number(1234.5, lang, 1) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("kk", "12,5%"),         # CLDR kk: #,##0%
    ("ru", "12,5\u00a0%"),   # CLDR ru: #,##0 % with a no-break space
    ("en", "12.5%")])
def test_percent_follows_cldr(lang, expected):
    assert percent(0.125, lang, 1) == expected


@pytest.mark.parametrize(("lang", "expected"), [("kk", "0,0%"), ("ru", "0,0\u00a0%"),
                                                ("en", "0.0%")])
def test_no_negative_zero(lang, expected):
    assert percent(-0.0004, lang, 1) == expected
    assert MINUS not in number(-0.04, lang, 1) and "-" not in number(-0.04, lang, 1)
    assert number(-0.4, lang) == "0"


@pytest.mark.parametrize(("lang", "expected"), [("kk", "\u221225%"), ("ru", "\u221225\u00a0%"),
                                                ("en", "\u221225%")])
def test_minus_is_u2212(lang, expected):
    assert percent(-0.25, lang) == expected
    assert number(-1600, lang).startswith(MINUS)
    assert "-" not in number(-1600, lang)


def test_signed_rise():
    assert percent(0.03, "ru", signed=True) == "+3\u00a0%"
    assert percent(0.0, "ru", signed=True) == "0\u00a0%"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_missing(lang):
    assert number(None, lang) == percent(None, lang) == day(None, lang) == "—"
    assert number(float("nan"), lang) == "—"


@pytest.mark.parametrize(("lang", "expected"), [("kk", "31.12.2025"), ("ru", "31.12.2025"),
                                                ("en", "Dec 31, 2025")])
def test_dates(lang, expected):
    assert day(date(2025, 12, 31), lang) == expected
    assert day(date(2025, 1, 5), lang).startswith("05.01.") or lang == "en"


def test_month_and_quarter_names_from_cldr():
    assert month(date(2025, 3, 1), "ru") == "март 2025\u202fг."  # stand-alone, short
    assert month(date(2025, 12, 1), "ru") == "дек. 2025\u202fг."
    assert month(date(2025, 3, 1), "kk") == "2025\u202fж. нау."
    assert month(date(2025, 3, 1), "en") == "Mar 2025"
    assert quarter(date(2025, 11, 1), "en") == "Q4 2025"
    assert quarter(date(2025, 11, 1), "ru") == "4-й кв. 2025\u202fг."


@pytest.mark.parametrize(("lang", "expected"), [("kk", ",\u00a0"), ("ru", ",\u00a0"),
                                                ("en", ".,")])
def test_plotly_separators(lang, expected):
    assert plotly_separators(lang) == expected


def test_the_common_figure_layout_writes_numbers_out():
    from layouts.figures import figure

    fig = figure([], 300, "ru", yaxis={"title": {"text": "cases"}}, yaxis2={})
    for axis in (fig.layout.xaxis, fig.layout.yaxis, fig.layout.yaxis2):
        assert axis.exponentformat == "none"  # "5 000", never "5k"
        assert axis.separatethousands is True
    assert fig.layout.separators == ",\u00a0"
    assert figure([], 300, "en").layout.separators == ".,"


def test_a_plain_figure_has_the_layout_of_a_figure():
    """layouts.figures.plain_figure: the dict a Figure of the same traces would send, bar
    the template's defaults for trace types it does not draw."""
    import plotly.graph_objects as go

    from layouts.figures import figure, plain_figure

    kwargs = {"yaxis": {"title": {"text": "cases"}}, "barmode": "stack"}
    plain = go.Figure(plain_figure([{"type": "bar", "x": ["a"], "y": [1]}], 300, "kk",
                                   **kwargs))
    classes = figure([go.Bar(x=["a"], y=[1])], 300, "kk", **kwargs)
    assert plain.to_dict()["data"] == classes.to_dict()["data"]
    assert plain.layout.template.layout == classes.layout.template.layout
    assert plain.layout.update(template=None) == classes.layout.update(template=None)


def test_the_kazakh_plotly_locale_comes_from_cldr():
    from layouts.plotly_locale import graph_config

    config = graph_config("kk")
    assert config["locale"] == "kk"
    fmt = config["locales"]["kk"]["format"]
    assert fmt["months"][0] == "Қаңтар" and fmt["months"][11] == "Желтоқсан"
    assert fmt["shortMonths"][11] == "жел."
    assert fmt["days"][0] == "жексенбі" and fmt["days"][1] == "дүйсенбі"  # Sunday first
    assert (fmt["decimal"], fmt["thousands"], fmt["date"]) == (",", "\u00a0", "%d.%m.%Y")
    assert graph_config("ru")["locales"]["ru"]["format"]["shortMonths"][11] == "дек."
    assert "locales" not in graph_config("en")  # plotly.js's own English


def test_the_date_inputs_show_the_day_as_the_language_writes_it():
    from dash import dcc

    from layouts.shell import filter_bar

    def pickers(lang):
        found, todo = [], [filter_bar(lang, [])]
        while todo:
            node = todo.pop(0)
            if isinstance(node, dcc.DatePickerSingle):
                found.append(node)
            children = getattr(node, "children", None)
            todo.extend(children if isinstance(children, list)
                        else [] if children is None or isinstance(children, str) else [children])
        return found

    for lang, shown in (("kk", "DD.MM.YYYY"), ("ru", "DD.MM.YYYY"), ("en", "MMM D, YYYY")):
        found = pickers(lang)
        assert [p.id for p in found] == ["filter-from", "filter-to", "filter-asof"]
        assert {p.display_format for p in found} == {shown}
    assert {p.first_day_of_week for p in pickers("kk")} == {1}  # CLDR: Monday


def test_the_calendar_names_are_cldrs_and_the_asset_is_up_to_date():
    from layouts.plotly_locale import DATEPICKER_ASSET, datepicker_names, datepicker_script

    kk = datepicker_names("kk")
    assert kk["months"]["wide"][0] == "Қаңтар" and kk["days"]["short"][1] == "дс"
    assert datepicker_names("ru")["months"]["wide"][0] == "январь"  # stand-alone
    assert DATEPICKER_ASSET.read_text(encoding="utf-8") == datepicker_script(), \
        "regenerate: python -m layouts.plotly_locale"


def test_a_moment():
    from datetime import datetime

    from layouts.formatting import moment

    when = datetime(2025, 12, 31, 14, 5)
    assert moment(when, "kk") == moment(when, "ru") == "31.12.2025 14:05"
    assert moment(when, "en") == "Dec 31, 2025 2:05\u202fPM"  # CLDR en short time


def test_the_maps_colour_bars_write_numbers_out():
    import pandas as pd
    import plotly.graph_objects as go

    from layouts.figures import region_map

    table = pd.DataFrame({"key": ["KZ-71"], "name": ["Astana"]})
    fig = go.Figure(region_map(table, pd.Series([5000]), "kk", "cases"))
    bar = next(tr.marker.colorbar for tr in fig.data if tr.marker and tr.marker.showscale)
    assert bar.exponentformat == "none" and bar.separatethousands is True
    assert fig.layout.separators == ",\u00a0"


def test_grids_group_whole_numbers_with_cldrs_symbol():
    from layouts.formatting import grid_whole_numbers

    assert '.replace(/,/g, "\\u00a0")' in grid_whole_numbers("kk")["function"]
    assert '.replace(/,/g, ",")' in grid_whole_numbers("en")["function"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_symbols_read_once_write_what_babels_pattern_engine_writes(lang):
    """number and percent take CLDR's symbols once per language; on many values they write
    what Babel's own format_decimal / format_percent write (with our U+2212 minus)."""
    from decimal import Decimal

    from babel.numbers import format_decimal, format_percent

    from layouts.formatting import MINUS, _locale, number, percent

    minus = _locale(lang).number_symbols["latn"]["minusSign"]
    values = [0, 1, -1, 7.25, 999.5, 1000, -1234.5678, 12345678.9, 0.004, -0.006, 2.675,
              1e9 + 0.5, -987654.321]
    for value in values:
        for digits in (0, 1, 2):
            q = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits))
            q = q.copy_abs() if q == 0 else q
            frac = "." + "0" * digits if digits else ""
            expected = format_decimal(q, format="#,##0" + frac, locale=lang)
            assert number(value, lang, digits) == expected.replace(minus, MINUS)
            share = value / 100
            p = (Decimal(str(share)) * 100).quantize(Decimal(1).scaleb(-digits))
            p = p.copy_abs() if p == 0 else p
            pattern = _locale(lang).percent_formats[None].pattern.split(";")[0]
            expected = format_percent(p / 100, format=pattern.replace("#,##0", "#,##0" + frac),
                                      locale=lang)
            assert percent(share, lang, digits) == expected.replace(minus, MINUS)
