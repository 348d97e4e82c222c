"""Layouts are pure functions: components and figures from plain data."""

import json
from datetime import date

import numpy as np
import pandas as pd
import plotly
import plotly.graph_objects as go
import pytest
from dash import html

from dashboard import codes, i18n
from dashboard.filters import Notice
from layouts import figures
from layouts.formatting import day, number, percent
from layouts.kpis import kpi_cards, rate
from layouts.plotly_locale import graph_config
from layouts.shell import breadcrumbs, notices, top_bar
from layouts.tables import caseload_frame, officer_cases_table, places_table
from queries.kpis import Beside, Due, Headline, Wider
from tests.helpers import array_of, header_of, rows_of, shown, text_of


def test_numbers_and_dates_per_language():
    assert number(12345.6, "kk", 1) == "12\u00a0345,6"
    assert number(12345.6, "en", 1) == "12,345.6"
    assert percent(0.125, "ru", 1) == "12,5\u00a0%"
    assert percent(-0.3, "en", signed=True) == "−30%"
    assert percent(0.5, "en", signed=True) == "+50%"
    assert day(date(2025, 3, 1), "kk") == "01.03.2025"
    assert day(date(2025, 3, 1), "en") == "Mar 1, 2025"  # CLDR en medium date


def test_a_rate_on_a_small_denominator_is_marked():
    assert text_of(rate(0.5, 40, "en", 30)) == text_of(rate(0.5, 40, "en", 30))
    assert "small sample" not in text_of(rate(0.5, 40, "en", 30))
    marked = text_of(rate(0.5, 4, "en", 30))
    assert "small sample" in marked and "The denominator 4 is under 30" in marked


def test_kpi_cards_show_each_figure():
    h = Headline(on_register=7, registered=5, closed=4, completed=2, overdue=4,
                 filled_posts=3, repeat_offences=3, repeat_offences_year_before=2)
    text = text_of(kpi_cards(h, "en", 30, "31 Dec 2025"))
    for expected in ("On the register", "on 31 Dec 2025", "2.3", "filled posts: 3",
                     "+50%", "small sample"):
        assert expected in text


ASTANA = Headline(on_register=4, registered=3, closed=3, completed=1, overdue=3,
                  filled_posts=2, repeat_offences=1, repeat_offences_year_before=1)
NATION = Headline(on_register=7, registered=5, closed=4, completed=2, overdue=4,
                  filled_posts=3, repeat_offences=3, repeat_offences_year_before=2)


def _line(section, id_: str) -> str:
    """The text on screen of the component `id_` in `section`."""
    def find(node):
        if getattr(node, "id", None) == id_:
            return node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                found = find(child)
                if found is not None:
                    return found
        return None
    found = find(section)
    return None if found is None else shown(found)


def test_kpi_cards_set_the_wider_places_beside():
    """Astana beside the nation (fixture_small's 2025): completion 33 % vs 50 %, overdue
    3 of 5 due (60.0 %) vs 4 of 7 (57.1 %), caseload 2.0 vs 2.3, repeat 0 % vs +50 %."""
    beside = Beside(Due(5, 3), (Wider("nation", NATION, Due(7, 4)),))
    cards = kpi_cards(ASTANA, "en", 1, "31 Dec 2025", beside)
    assert _line(cards, "kpi-closed-beside-nation") == "▼ lower than the nation (50%)"
    assert _line(cards, "kpi-overdue-beside-nation") == "▲ higher than the nation (57.1%)"
    assert _line(cards, "kpi-caseload-per-post-beside-nation") == \
        "▼ lower than the nation (2.3)"
    assert _line(cards, "kpi-repeat-beside-nation") == "▼ lower than the nation (+50%)"
    assert "60.0% of those due" in shown(cards)
    assert _line(cards, "kpi-on-register-beside-nation") is None  # counts: not compared
    kk = kpi_cards(ASTANA, "kk", 1, "31.12.2025", beside)
    assert _line(kk, "kpi-overdue-beside-nation") == \
        "▲ ел бойынша көрсеткіштен (57,1%) жоғары"  # CLDR kk percent: #,##0%
    assert "жасақталған штат бірліктері: 2" in shown(kk)


def test_kpi_cards_compare_as_shown_and_say_it_in_words():
    """A unit beside its region and the nation; shares equal to the digit shown are the
    same; a figure with no denominator is shown without a comparison; the arrow is hidden
    from screen readers (the word says it)."""
    unit = Headline(on_register=2, registered=0, closed=0, completed=0, overdue=1,
                    filled_posts=0, repeat_offences=0, repeat_offences_year_before=0)
    region = Headline(on_register=4, registered=3, closed=3, completed=1, overdue=3,
                      filled_posts=2, repeat_offences=1, repeat_offences_year_before=1)
    beside = Beside(Due(2, 1), (Wider("region", region, Due(1000, 500)),
                                Wider("nation", NATION, Due(7, 4))))
    cards = kpi_cards(unit, "ru", 30, "31.12.2025", beside)
    assert _line(cards, "kpi-overdue-beside-region") == "= как по региону (50,0\u00a0%)"
    assert _line(cards, "kpi-overdue-beside-nation").startswith(
        "▼ ниже, чем по стране (57,1\u00a0%) малая выборка")  # 7 due: a small sample
    assert _line(cards, "kpi-closed-beside-region").startswith("по региону: 33\u00a0%")
    assert _line(cards, "kpi-caseload-per-post-beside-nation") == "по стране: 2,3"
    assert '"aria-hidden": "true"' in text_of(cards)
    assert "kpi-closed-beside" not in text_of(kpi_cards(unit, "ru", 30, "31.12.2025"))


def test_kazakh_locale_travels_in_the_graph_config():
    config = graph_config("kk")
    assert config["locale"] == "kk"
    assert config["locales"]["kk"]["format"]["months"][0] == "Қаңтар"
    assert "locales" not in graph_config("en")


def _map(values=(4, 9), lang="en") -> go.Figure:
    table = pd.DataFrame({"key": ["KZ-75", "KZ-71"], "name": ["Almaty", "Astana"]})
    every_region = pd.DataFrame({"code": sorted(figures.region_outlines())})
    return go.Figure(figures.region_map(table, pd.Series(list(values)), lang, "Cases",
                                        every_region))


def test_the_map_is_cartesian_and_needs_nothing_from_another_host():
    fig = _map()
    assert {trace.type for trace in fig.data} == {"scatter"}
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.scaleanchor == "x"
    assert "http" not in json.dumps(fig, cls=plotly.utils.PlotlyJSONEncoder)


def test_the_map_draws_every_region_once():
    outlines = figures.region_outlines()
    assert len(outlines) == 20 and all(code.startswith("KZ-") for code in outlines)
    fig = _map()
    grey, *regions, scale = fig.data
    # One trace for the 18 regions outside the scope, one per region within it.
    assert [trace.customdata for trace in regions] == [("KZ-71",), ("KZ-75",)]
    rings = {code: np.isnan(y).sum() + 1 for code, (_, y) in outlines.items()}
    assert np.isnan(array_of(grey.y)).sum() + 1 == sum(n for code, n in rings.items()
                                             if code not in ("KZ-71", "KZ-75"))
    assert all(trace.fill == "toself" for trace in (grey, *regions))


def test_regions_outside_the_scope_are_grey_with_no_name_or_hover():
    grey = _map().data[0]
    assert grey.fillcolor == figures.OUT_OF_SCOPE_COLOUR
    assert grey.hoverinfo == "skip"
    assert grey.text is None and grey.name is None and grey.customdata is None


def test_map_colours_follow_the_values_with_a_labelled_colour_bar():
    _, astana, almaty, scale = _map(values=(4, 9)).data  # Almaty 4, Astana 9
    # The lowest and the highest value: the two ends of the Blues scale.
    assert almaty.fillcolor == "rgb(247, 251, 255)" and astana.fillcolor == "rgb(8, 48, 107)"
    assert scale.marker.showscale and scale.marker.colorbar.title.text == "Cases"
    assert (scale.marker.cmin, scale.marker.cmax) == (4, 9)
    assert scale.hoverinfo == "skip" and scale.marker.opacity == 0


def test_map_hover_names_the_region_and_its_value_in_the_language():
    _, astana, almaty, _ = _map(values=(12345.5, 2.0), lang="kk").data
    assert almaty.text == "Almaty<br>12\u00a0345,5"
    assert astana.text == "Astana<br>2,0"
    assert almaty.hoveron == "fills" and almaty.hoverinfo == "text"


def test_trend_marks_the_2015_and_2017_widenings():
    frame = pd.DataFrame({"month_end": [date(2014, 1, 31)], "probation_type": ["sentence"],
                          "cases": [3]})
    marks = go.Figure(figures.trend(frame, "ru")).layout.annotations
    assert [a.text for a in marks] == ["2015", "2017"]
    assert [a.hovertext for a in marks] == figures.widening_notes("ru")
    assert figures.widening_notes("ru")[1].startswith("2017: Закон")


def test_long_category_labels_wrap_at_spaces():
    assert figures.wrap_label("Жеке бағдарламаны қайта қарау") == "Жеке бағдарламаны<br>қайта қарау"
    assert figures.wrap_label("Короткое") == "Короткое"


def test_caseload_frame_pivots_types_with_a_total():
    frame = caseload_frame(pd.DataFrame({
        "region_code": ["KZ-71", "KZ-71", "KZ-75"], "region": ["Astana", "Astana", "Almaty"],
        "probation_type": ["pre_trial", "sentence", "sentence"], "cases": [1, 3, 2]}), "en")
    assert list(frame.columns) == ["Region", "Pre-trial probation", "Sentence probation",
                                   "Penitentiary probation", "Post-penitentiary probation",
                                   "Total"]
    assert frame.values.tolist() == [["Astana", 1, 3, 0, 0, 4], ["Almaty", 0, 2, 0, 0, 2]]


def test_caseload_frame_of_nothing_and_of_an_unknown_type():
    empty = caseload_frame(pd.DataFrame({"region_code": [], "region": [],
                                         "probation_type": [], "cases": []}), "en")
    assert len(empty) == 0 and list(empty.columns)[-1] == "Total"
    # A type outside the four is not a column and not in the total; its region still shows.
    odd = caseload_frame(pd.DataFrame({"region_code": ["KZ-71", "KZ-71"],
                                       "region": ["Astana", "Astana"],
                                       "probation_type": ["other", "sentence"],
                                       "cases": [5, 3]}), "en")
    assert odd.values.tolist() == [["Astana", 0, 3, 0, 0, 3]]
    assert odd["Total"].dtype == "int64"


# --- the drill tables ---------------------------------------------------------------------

DRILL = pd.DataFrame({
    "key": ["KZ-71", "KZ-75", "KZ-79"], "name": ["Астана", "Алматы", "Шымкент"],
    "on_register": [1234, 7, 0], "registered": [300, 2, 0], "closed": [250, 3, 0],
    "completed": [200, 1, 0], "overdue": [12, 0, 0], "filled_posts": [40, 0, 1],
    "repeat_offences": [5, 1, 0], "repeat_offences_year_before": [4, 0, 0]})


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_drill_table_links_each_place_one_level_down(lang):
    table, _note = places_table(DRILL, lang, 10, lambda key: f"/region/{key}?period=year",
                                "units-table", "Regions").children
    assert table.role == "region" and table.tabIndex == "0"  # scrolled with the keyboard
    table = table.children
    assert table.id == "units-table" and shown(table.children[0]) == "Regions"
    assert header_of(table) == [i18n.t(f"shell.col.{c}", lang) for c in (
        "name", "on_register", "registered", "closed", "completion", "overdue", "posts",
        "caseload", "repeat")]
    rows = rows_of(table)
    assert [(row[0].scope, row[0].children.href, shown(row[0])) for row in rows] == [
        ("row", "/region/KZ-71?period=year", "Астана"),
        ("row", "/region/KZ-75?period=year", "Алматы"),
        ("row", "/region/KZ-79?period=year", "Шымкент")]
    astana = rows[0]
    assert [shown(cell) for cell in astana[1:]] == [
        number(1234, lang), number(300, lang), number(250, lang), percent(0.8, lang),
        number(12, lang), number(40, lang), number(1234 / 40, lang, 1), number(5, lang)]
    assert {cell.className for row in rows for cell in row[1:]} == {"text-end"}
    assert shown(rows[1][7]) == "—"  # no filled post: no caseload per post


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_drill_table_marks_a_completion_share_on_few_closures(lang):
    """Issue 26 item 5: the small sample's value muted (its reason on hover), no badge
    on the row; one note under the table says what muted means."""
    box, note = places_table(DRILL, lang, 10, str, "units-table", "Regions").children
    table = box.children
    rows = rows_of(table)
    plain, small, none = (row[4].children for row in rows)  # 250, 3 and 0 closures
    assert "small-sample" not in text_of(plain) and "small-sample" not in text_of(none)
    assert getattr(plain, "className", None) is None
    help_text = i18n.t("shell.small_sample_help", lang, n=3, min=10)
    assert (shown(small), small.className, small.title) == (
        percent(1 / 3, lang), "small-sample-value", help_text)
    assert "badge" not in text_of(table)
    assert note.id == "units-table-note" and shown(note) == i18n.t(
        "shell.small_sample_note", lang, min=10)
    # Without a small sample, no note: the table alone.
    alone = places_table(DRILL.iloc[[0]], lang, 10, str, "units-table", "Regions")
    assert alone.children.id == "units-table"


def test_a_table_with_no_rows_is_a_note():
    empty = places_table(DRILL.iloc[0:0], "ru", 10, str, "units-table", "Regions")
    assert isinstance(empty, html.P) and empty.id == "units-table"
    assert shown(empty) == "Нет данных для показа."


def _officers(n: int) -> pd.DataFrame:
    """n officers, officer i with i % 7 overdue and i cases on the register."""
    i = np.arange(n)
    return pd.DataFrame({
        "key": i, "name": [f"S-{k:04d}" for k in i], "on_register": i, "registered": 0,
        "closed": 0, "completed": 0, "overdue": i % 7, "filled_posts": 1,
        "repeat_offences": 0, "repeat_offences_year_before": 0})


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_long_drill_table_shows_those_most_behind_and_says_so(lang):
    """Of more than MOST_ROWS places, the most overdue first (then the most cases), and
    a line with how many there are; a table within the limit keeps every row, in order."""
    from layouts.tables import MOST_ROWS

    many = _officers(MOST_ROWS + 40)
    box, note = places_table(many, lang, 10, str, "officers-table", "Officers").children
    rows = rows_of(box.children)
    ordered = many.sort_values(["overdue", "on_register"], ascending=False)
    assert len(rows) == MOST_ROWS
    assert [shown(r[0]) for r in rows] == ordered.name.head(MOST_ROWS).tolist()
    assert [shown(r[5]) for r in rows] == [number(v, lang)
                                           for v in ordered.overdue.head(MOST_ROWS)]
    assert shown(rows[0][5]) == number(6, lang)
    assert note.id == "officers-table-most" and shown(note) == i18n.t(
        "shell.table.most_behind", lang, n=number(MOST_ROWS + 40, lang),
        shown=number(MOST_ROWS, lang))
    few = places_table(_officers(MOST_ROWS), lang, 10, str, "officers-table", "Officers")
    assert [shown(r[0]) for r in rows_of(few.children)] == _officers(MOST_ROWS).name.tolist()


def test_the_bars_draw_the_largest_places_only():
    many = _officers(figures.MOST_BARS + 5)
    bars = go.Figure(figures.place_bars(many, many.on_register, "en", "Cases")).data[0]
    assert len(bars.y) == figures.MOST_BARS
    assert list(bars.x) == list(range(figures.MOST_BARS + 4, 4, -1))


OFFICER_CASES = pd.DataFrame({
    "case_id": [4, 9], "person_code": ["P-4", "P-9"],
    "probation_type": ["sentence", "pre_trial"],
    "legal_category": ["conditionally_sentenced", "suspect_protected"],
    "risk_tier": ["high", "low"], "registered_on": [date(2024, 1, 5), date(2025, 3, 1)],
    "planned_end": [date(2026, 1, 5), None], "next_kind": [None, "check_in"],
    "next_due": [None, date(2026, 1, 10)], "overdue": [3, 0],
    "first_overdue_due": [date(2025, 9, 1), None]}, dtype=object)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_officer_cases_link_each_case_with_next_and_overdue_milestones(lang):
    t = i18n.t
    table = officer_cases_table(OFFICER_CASES, lang, lambda case: f"/case/{case}").children
    assert table.id == "officer-cases"
    assert header_of(table) == [t(f"caseload.col.{c}", lang) for c in (
        "case", "person", "type", "category", "risk", "registered_on", "next", "overdue")]
    overdue_case, other = rows_of(table)
    assert (overdue_case[0].children.href, shown(overdue_case[0])) == ("/case/4", "№ 4")
    assert [shown(cell) for cell in overdue_case[1:7]] == [
        "P-4", t("shell.type.sentence", lang), t("shell.category.conditionally_sentenced", lang),
        t("caseload.risk.high", lang), day(date(2024, 1, 5), lang), "—"]
    note = overdue_case[7].children
    assert note.className == "text-danger"
    assert shown(note) == t("caseload.overdue_since", lang, n=3, date=day(date(2025, 9, 1),
                                                                             lang))
    assert shown(other[6]) == (f"{t('caseload.milestone.check_in', lang)}, "
                               f"{t('caseload.due', lang, date=day(date(2026, 1, 10), lang))}")
    assert other[7].children == "0"


def test_top_bar_has_sections_languages_and_sign_out():
    text = text_of(top_bar("ru", "ivanov", "Руководитель службы пробации региона · Астана", "tok"))
    for expected in ("Сводка", "Доклад руководству", "Мероприятия", "Состоящие на учёте",
                     "Қазақша", "English", "/language/kk", "/logout", "Выйти", "csrf_token",
                     "ivanov"):
        assert expected in text


def test_notices_and_breadcrumbs():
    text = text_of(notices((Notice("type", "jail"),), "en")[0])
    assert "“jail”" in text and "Probation type" in text
    crumbs = text_of(breadcrumbs([("Kazakhstan", "/"), ("Astana", None)], "en"))
    assert '"aria-current": "page"' in crumbs


@pytest.mark.parametrize("prefix,values", [
    ("shell.type", codes.PROBATION_TYPES), ("shell.category", codes.LEGAL_CATEGORIES),
    ("caseload.milestone", codes.MILESTONE_KINDS),
    ("caseload.assistance", codes.ASSISTANCE_KINDS),
    ("caseload.result", codes.ASSISTANCE_RESULTS), ("caseload.close", codes.CLOSE_REASONS),
    ("caseload.risk", codes.RISK_TIERS), ("caseload.sex", codes.SEXES),
    ("caseload.protected", codes.PROTECTED_CATEGORIES),
    ("caseload.violation", codes.EVENT_KINDS + codes.COURT_DECISIONS),
])
def test_every_code_has_a_label_in_every_language(prefix, values):
    for value in values:
        for lang in i18n.LANGUAGES:
            assert i18n.t(f"{prefix}.{value}", lang)


def test_a_graph_box_is_as_tall_as_its_figure_from_the_start():
    """plotly.js arrives after the page: a box that grew only then shifted the layout."""
    import plotly.graph_objects as go

    from layouts.plotly_locale import graph_box_style

    assert graph_box_style(go.Figure(layout={"height": 380})) == {"minHeight": "380px"}
    assert graph_box_style({"data": [], "layout": {"height": 300}}) == {"minHeight": "300px"}
    assert graph_box_style(go.Figure()) == {"minHeight": "450px"}  # plotly's default


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_synthetic_transfer_says_so_on_the_case_page(lang):
    from layouts.case import case_summary, timeline
    from queries.places import CaseHeader, Place

    header = CaseHeader(
        id=7, person_code="P-0000007", sex="M", age_at_registration=30,
        protected_category=None, probation_type="sentence", legal_category="public_works",
        risk_tier="low", appeared_on=date(2025, 3, 1), registered_on=date(2025, 3, 3),
        planned_end=date(2025, 6, 3), closed_on=date(2025, 4, 1), close_reason="transferred",
        hearing_on=None, release_on=None, previous_case_id=5,
        place=Place("KZ-71", "Astana"), synthetic_transfer_out=True, synthetic_transfer_in=True)
    label = i18n.t("caseload.case.synthetic_transfer", lang)
    summary = text_of(case_summary(header, lang, lambda key: f"/case/{key}"))
    assert summary.count(label) == 2  # the closure and the case it continues
    assert i18n.t("shell.category.public_works", lang) in summary
    events = pd.DataFrame([{"on": date(2025, 4, 1), "event": "closure", "kind": "transferred",
                            "detail": None, "due_on": None, "late": False}])
    assert label in text_of(timeline(events, lang, synthetic_transfer=True))
    assert label not in text_of(timeline(events, lang))
    real = CaseHeader(**{**header.__dict__, "synthetic_transfer_out": False,
                         "synthetic_transfer_in": False})
    assert label not in text_of(case_summary(real, lang, lambda key: f"/case/{key}"))
