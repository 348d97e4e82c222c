"""The Milestones pages and the worklist grid, called as plain functions on the shell's
small fixture (tests/fixture_small.py), and the pure layout pieces.

Overdue on 31 Dec 2025 (the fixture's last day, the default as-of day):
    m10 case 4  unit 1 (Yesil, Astana)     officer 1  check_in          due  1 Oct  91 days
    m2  case 1  unit 1                      officer 1  check_in          due  1 Dec  30 days
    m6  case 6  unit 2 (Saryarka, Astana)   officer 3  pre_trial_report  due 15 Dec  16 days
    m7  case 9  unit 3 (Medeu, Almaty)      officer 4  check_in          due  1 Apr 274 days
Due by then: unit 1 m1, m2, m3, m10 (4); unit 2 m6 (1), so Saryarka is the worst in Astana.
"""

from datetime import date

import pandas as pd
import pytest

from callbacks import milestones as views
from callbacks.context import Context
from dashboard import rules as R
from dashboard.config import Settings
from dashboard.i18n import LANGUAGES, catalog, t
from dashboard.scope import NotPermitted, Scope
from layouts import milestones as L
from layouts.formatting import percent
from queries import milestones as M
from tests.helpers import header_of, rows_of, shown, text_of

ASTANA_HEAD = Scope("region_head", region_code="KZ-71", username="head71")


@pytest.fixture
def make_ctx(small_versioned):
    engine = small_versioned

    def make(scope=ASTANA_HEAD, lang="en"):
        return Context(engine=engine, scope=scope, lang=lang,
                       settings=Settings(database_url="sqlite://", small_sample_min=3))
    return make


def test_region_head_sees_units_of_the_region_worst_first(make_ctx):
    text = text_of(views.page(make_ctx(), ""))
    assert text.index("/milestones/unit/2") < text.index("/milestones/unit/1")
    assert "/milestones/unit/3" not in text and "Medeu" not in text
    assert '"Overdue now"' in text


def test_worklist_block_of_a_region_head(make_ctx):
    block = views.worklist_block(make_ctx(), "/milestones", "", {"startRow": 0, "endRow": 100})
    assert block["rowCount"] == 3
    assert [r["days_overdue"] for r in block["rowData"]] == [91, 30, 16]
    assert block["rowData"][0]["case_id"] == "[№ 4](/case/4?period=year&to=2025-12-31)"
    assert block["rowData"][0]["officer"] == (
        "[S-0001](/milestones/officer/1?period=year&to=2025-12-31)")


def test_worklist_of_an_officer_and_a_unit(make_ctx):
    officer = views.worklist_block(make_ctx(), "/milestones/officer/3", "", {})
    assert [r["case_id"][:5] for r in officer["rowData"]] == ["[№ 6]"]
    unit = views.worklist_block(make_ctx(), "/milestones/unit/1", "", {})
    assert unit["rowCount"] == 2


@pytest.mark.parametrize("path", ["/milestones/unit/3", "/milestones/officer/4", "/case/1",
                                  "/milestones/unit/abc"])
def test_worklist_outside_the_scope_or_a_strange_path_is_refused(make_ctx, path):
    with pytest.raises((NotPermitted, LookupError)):
        views.worklist_block(make_ctx(), path, "", {})


def test_worklist_export_has_every_row(make_ctx):
    out = views.worklist_download(make_ctx(Scope.nation()), "/milestones", "",
                                  {"startRow": 0, "endRow": 1})
    lines = out["content"].lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + 4
    assert lines[1] == "9,S-0004,Medeu District,Check-in,Sentence probation,2025-04-01,274"


def test_unit_page_lists_officers_with_links_to_their_profiles(make_ctx, ):
    text = text_of(views.unit_page(make_ctx(), "1", "", lambda *_: None))
    assert "/milestones/officer/1" in text and "/officer/1?" in text


def test_pages_outside_the_scope_are_refused(make_ctx):
    seen = []
    text = text_of(views.unit_page(make_ctx(), "3", "", lambda *a: seen.append(a)))
    assert "Not permitted" in text and seen == [("unit", "3")]


# --- the grid's request -----------------------------------------------------------------

def test_grid_request_becomes_a_worklist_query():
    q = views.worklist_query({
        "startRow": 200, "endRow": 300,
        "sortModel": [{"colId": "officer", "sort": "asc"}, {"colId": "x; drop", "sort": "asc"}],
        "filterModel": {"kind": {"filterType": "text", "type": "contains", "filter": "check"},
                        "days_overdue": {"filterType": "number", "type": "inRange",
                                         "filter": 8, "filterTo": 30},
                        "case_id": {"filterType": "number", "type": "equals", "filter": 6},
                        "officer": {"filterType": "text", "type": "contains", "filter": "S-1"}}},
        "en")
    assert q == M.WorklistQuery(kinds=("check_in",), officer_code="S-1", case_id=6,
                                min_days=8, max_days=30, sort=(("officer", False),),
                                offset=200, limit=100)


@pytest.mark.parametrize("request_", [
    None, "x", {"startRow": "a"}, {"sortModel": "x"}, {"sortModel": {"a": 1}},
    {"sortModel": [{"colId": ["officer"]}]}, {"startRow": 10**30, "endRow": -5},
    {"filterModel": {"days_overdue": {"filter": "z"}}},
    {"filterModel": {"days_overdue": {"type": "equals", "filter": 10**30}}},
    {"filterModel": {"case_id": {"type": "equals", "filter": True}}},
    {"filterModel": {"kind": {"filter": ["x"]}, "officer": {"filter": 5}}}])
def test_odd_grid_requests_fall_back_to_defaults(request_):
    q = views.worklist_query(request_, "en")
    assert q.limit <= views.MAX_BLOCK and q.sort == (("days_overdue", True),)
    assert q.offset == 0 and q.case_id is None and q.min_days is None and q.kinds is None


# --- layouts ----------------------------------------------------------------------------

def test_every_kind_has_its_rule_in_every_language():
    rules = R.DeadlineRules()
    for lang in LANGUAGES:
        for kind in R.RULE_OF_KIND:
            assert str(getattr(rules, R.RULE_OF_KIND[kind])) in L.rule_text(kind, rules, lang)
    assert L.rule_text("registration", rules, "kk") == (
        "Келгеннен кейін 3 жұмыс күні ішінде есепке алу (2014 жылғы 5 шілдедегі "
        "Қылмыстық-атқару кодексі, 163-бап 8-бөлік: жазасын өтеу кейінге қалдырылған сотталған "
        "келгеннен кейін 3 жұмыс күні ішінде есепке алынады; басқа санаттар үшін бұл сан — "
        "дашбордтың болжамы, баптау арқылы өзгертуге болады)")
    assert L.rule_text("pre_trial_report", rules, "ru").startswith(
        "Передать доклад в суд за 2 рабочих дня до заседания (Закон «О пробации»")
    help_text = text_of(L.rules_help(R.DeadlineRules(check_in_months=2), "en"))
    assert "A supervisory check-in every 2 months" in help_text
    assert "PROBATION_RULE_CHECK_IN_MONTHS" in help_text


def test_catalog_keys_are_prefixed_and_complete():
    keys = [k for k in catalog() if k.startswith("milestones.")]
    assert len(keys) > 50
    assert all(set(catalog()[k]) == set(LANGUAGES) for k in keys)


def test_headline_cards():
    gaps = M.NewTypeGaps(10, 3, 20, 4, 1)
    text = text_of(L.headline_cards(L.Headline(due=200, overdue=5, due_soon=7), gaps, "en",
                                    "31 Dec 2025"))
    assert "2.5% of those due" in text and "97.5%" in text
    assert "of 10 hearings in the period" in text
    assert "of 20 released within 12 months; past due: 1" in text


def test_flag_badge_marks_small_caseloads():
    small = L.flag_badge(None, 4, 10, "en")
    assert (shown(small), small.className) == ("too few cases (4 < 10)", "small text-muted")
    far = L.flag_badge("far", 40, 10, "en")
    assert (shown(far), far.className) == ("far above national", "badge text-bg-danger")
    assert L.flag_badge(None, 40, 10, "en") == "—"  # enough cases, no flag: peers too few


PLACES = pd.DataFrame({
    "key": pd.Series([7, 3, None, 9], dtype=object),
    "name": pd.Series(["S-0007", "S-0003", None, "S-0009"], dtype=object),
    "parent": [1, 1, 1, 1], "caseload": [40, 12, 5, 2], "due": [20, 10, 4, 0],
    "overdue": [9, 1, 2, 0], "overdue_rate": [0.45, 0.1, 0.5, float("nan")],
    "timeliness": [55.0, 90.0, 50.0, float("nan")],
    "band": pd.Series(["poor", "good", "poor", None], dtype=object),
    "flag": pd.Series(["far", "met", None, None], dtype=object)})


def test_a_long_places_table_keeps_the_first_in_its_order_and_says_so():
    """Of more than MOST_ROWS places (a scale-10 unit's officers), the first MOST_ROWS as
    the page ordered them, and a line with how many there are."""
    from layouts.formatting import number
    from layouts.tables import MOST_ROWS

    many = pd.concat([PLACES.iloc[[0]]] * (MOST_ROWS + 3), ignore_index=True)
    many["key"] = list(range(len(many)))
    many["name"] = [f"S-{k:04d}" for k in many.key]
    block = L.places_table(many, "officer", "kk", str, None, 10, M.Benchmark(0.2, 0.1, 0.3, 2))
    box, most, help_text = block.children
    assert [shown(r[0]) for r in rows_of(box.children)] == many.name.head(MOST_ROWS).tolist()
    assert most.id == "milestones-officers-most" and shown(most) == t(
        "shell.table.first", "kk", n=number(MOST_ROWS + 3, "kk"), shown=number(MOST_ROWS, "kk"))
    assert help_text.id == "milestones-flag-help"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_places_table_links_officers_and_shows_bands_and_flags(lang):
    block = L.places_table(PLACES, "officer", lang, lambda k: f"/milestones/officer/{k}",
                           lambda k: f"/officer/{k}", 10, M.Benchmark(0.2, 0.1, 0.3, 2))
    box, help_text = block.children
    table = box.children
    assert table.id == "milestones-officers" and help_text.id == "milestones-flag-help"
    assert header_of(table) == [t(f"milestones.col.{c}", lang) for c in (
        "name", "caseload", "due", "overdue", "share", "timeliness", "flag", "profile")]
    worst, good, unassigned, few = rows_of(table)
    assert (worst[0].children.href, shown(worst[0])) == ("/milestones/officer/7", "S-0007")
    assert [shown(cell) for cell in worst[1:5]] == ["40", "20", "9", percent(0.45, lang, 1)]
    classes = [getattr(cell, "className", None) for cell in worst[1:]]
    assert classes == ["text-end"] * 5 + [None, None]  # numbers right-aligned, badges not
    band, flag, profile = (cell.children for cell in worst[5:])
    assert (shown(band), band.className, band.title) == (
        percent(0.55, lang, 1), "badge text-bg-danger", t("milestones.band.poor", lang))
    assert (shown(flag), flag.className) == (t("milestones.flag.far", lang),
                                             "badge text-bg-danger")
    assert (shown(profile), profile.href, profile.title) == (
        "↗", "/officer/7", t("milestones.col.profile", lang))
    assert good[5].children.className == "badge text-bg-success"
    assert good[6].children.className == "badge text-bg-success"
    # Cases nobody is responsible for: a row of their own, with no link to anyone.
    assert unassigned[0].children == t("milestones.unassigned", lang)
    assert unassigned[7].children == ""
    assert shown(unassigned[6]) == t("milestones.flag.small", lang, n=5, min=10)
    assert [shown(cell) for cell in few[4:7]] == ["—", "—",
                                                  t("milestones.flag.small", lang, n=2, min=10)]


def test_aging_figure_keeps_bucket_order():
    import pandas as pd

    fig = L.aging_figure(pd.DataFrame({"bucket": ["1_7", "8_30", "31_90", "over_90"],
                                       "overdue": [1, 2, 3, 4]}), "ru")
    assert list(fig["data"][0]["y"]) == ["1–7 дней", "8–30 дней", "31–90 дней",
                                         "более 90 дней"]
    assert fig.layout.yaxis.autorange == "reversed"  # the first bucket on top


def test_worklist_rows_link_case_and_officer():
    import pandas as pd

    rows = pd.DataFrame([{"milestone_id": 1, "case_id": 7, "officer_id": None,
                          "officer": None, "unit_id": 1, "unit": "U", "kind": "check_in",
                          "seq": 1, "probation_type": "sentence", "due_on": date(2025, 1, 2),
                          "days_overdue": 3}])
    out = L.worklist_rows(rows, "kk", lambda c: f"/case/{c}", lambda o: f"/o/{o}",
                          R.DeadlineRules())
    assert out[0]["case_id"] == "[№ 7](/case/7)"
    assert out[0]["officer"] == t("milestones.unassigned", "kk")
    assert out[0]["due_on"] == "02.01.2025"
