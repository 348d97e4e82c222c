"""The review brief on the hand-counted fixture (both backends): its key figures, the
workbook holding exactly the page's tables, a region head's files holding only the region,
and the HTML file carrying plotly.js inline with no other host."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from dash import html

from callbacks import review
from callbacks.context import Context
from dashboard.config import Settings
from dashboard.scope import Scope
from layouts import review as L
from tests.helpers import shown

YEAR_2025 = "?period=year&to=2025-12-31"
MINISTRY = Scope("ministry", username="minister")
ASTANA_HEAD = Scope("region_head", region_code="KZ-71", username="head71")


@pytest.fixture
def make_ctx(small_versioned):
    engine = small_versioned

    def make(scope=MINISTRY, lang="en"):
        return Context(engine=engine, scope=scope, lang=lang,
                       settings=Settings(database_url="sqlite://", small_sample_min=3))
    return make


def _page_tables(component) -> dict[str, list[list[str]]]:
    """Every review table on the page: id -> rows of cell texts (header row first)."""
    found = {}

    def walk(c):
        if isinstance(c, list | tuple):
            for x in c:
                walk(x)
            return
        if not hasattr(c, "to_plotly_json"):
            return
        cid = getattr(c, "id", None)
        if isinstance(cid, str) and cid.startswith("review-table-"):
            rows = []
            for section in c.children:
                trs = section.children
                for tr in trs if isinstance(trs, list) else [trs]:
                    rows.append([shown(cell.children) for cell in tr.children])
            found[cid.removeprefix("review-table-")] = rows
        walk(getattr(c, "children", None))
    walk(component)
    return found


def _number(text: str) -> float | None:
    """A number as the English page writes it ("1,234.5", "−2"), None for the dash."""
    return None if text == "—" else float(text.replace(",", "").replace("\u2212", "-"))


def test_key_figures_of_2025_against_2024(make_ctx):
    brief = review.gather(make_ctx(), YEAR_2025)
    k = brief.key_figures.set_index("measure")
    # On 31 Dec 2025 cases 1, 2, 4, 6, 9, 11, 12; registered in 2025: 2, 3, 6, 9, 11;
    # closed in 2025: 3, 5, 8, 10. A year is compared with the year before on both counts.
    assert list(k.current[["on_register", "registered", "closed"]]) == [7, 5, 4]
    assert list(k.previous[["on_register", "registered", "closed"]]) == [6, 6, 1]
    assert brief.periods.previous == brief.periods.year_earlier
    assert str(brief.periods.previous.start) == "2024-01-01"
    assert k.loc["closed", "vs_previous"] == pytest.approx(3.0)  # 4 against 1: +300 %


def test_the_workbook_holds_the_page_figures(make_ctx):
    ctx = make_ctx()
    brief = review.gather(ctx, YEAR_2025)
    # The tables behind the charts are drawn when their folded section is first opened.
    page = _page_tables([L.page(brief), L.data_tables(brief)])
    assert not any(k.startswith("chart-") for k in _page_tables(L.page(brief)))
    book = openpyxl.load_workbook(io.BytesIO(L.xlsx_bytes(brief)))
    sheets = book.worksheets[1:]  # after "About"
    tables = L.tables(brief)
    assert len(sheets) == len(tables) == len(page)
    assert "behind-caseload" in page and "chart-outcomes" in page
    for table, sheet in zip(tables, sheets, strict=True):
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
        shown = page[table.key]
        assert cells[0] == shown[0], table.key  # the same headers
        assert len(cells) == len(shown), table.key
        for got, seen in zip(cells[1:], shown[1:], strict=True):
            for value, text in zip(got, seen, strict=True):
                if isinstance(value, int | float):
                    assert _number(text) == pytest.approx(value, abs=0.05), table.key
                else:
                    assert (value if value is not None else "—") == text, table.key


def test_the_ministry_ranks_regions_most_behind(make_ctx):
    brief = review.gather(make_ctx(), YEAR_2025)
    behind = dict(brief.behind)
    assert brief.level == "region"
    # Almaty: 3 on the register (9, 11, 12) over 1 filled post; Astana: 4 (1, 2, 4, 6)
    # over 2 (officer 2 left on 1 Jul 2025).
    assert list(behind["caseload"].name) == ["Almaty", "Astana"]
    assert list(behind["caseload"].caseload_per_post) == [3.0, 2.0]


FOREIGN = ("KZ-75", "KZ-79", "Almaty", "Алматы", "Shymkent", "Шымкент", "Medeu", "Медеу")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_region_heads_exports_hold_only_the_region(make_ctx, lang):
    ctx = make_ctx(ASTANA_HEAD, lang)
    brief = review.gather(ctx, YEAR_2025)
    assert brief.level == "unit"
    book = openpyxl.load_workbook(io.BytesIO(L.xlsx_bytes(brief)))
    text = "\n".join(str(v) for sheet in book.worksheets
                     for row in sheet.iter_rows(values_only=True) for v in row)
    assert ("Yesil" if lang == "en" else "Есиль") in text
    for foreign in FOREIGN:
        assert foreign not in text
    document = L.html_document(brief)
    for foreign in FOREIGN:
        assert foreign not in document


def test_a_forged_region_in_the_url_gives_the_scope_only(make_ctx):
    brief = review.gather(make_ctx(ASTANA_HEAD), YEAR_2025 + "&region=KZ-75")
    assert "Almaty" not in L.html_document(brief)


def test_the_html_file_carries_plotly_once_and_no_outside_host(make_ctx):
    document = L.html_document(review.gather(make_ctx(lang="kk"), YEAR_2025))
    assert document.startswith("<!DOCTYPE html>") and '<html lang="kk">' in document
    assert document.count("plotly.js v") <= 2  # the bundle's banner, once
    assert len(document) > 3_000_000 and "Негізгі көрсеткіштер" in document
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"?(https?:)?//", document)
    # (plotly.js names a CDN as a default for geo maps, which the brief does not draw: the
    # browser test checks that opening the file asks no host for anything.)


def test_the_page_has_its_controls_and_methodology(make_ctx):
    page = L.page(review.gather(make_ctx(lang="kk"), YEAR_2025))
    text = str(page.to_plotly_json())
    assert "review-export-xlsx" in text and "review-print" in text
    assert "31.12.2025" in text  # data as of dataset_info data_until
    assert isinstance(page, html.Div)


def test_the_methodology_names_each_rules_source_on_the_page_and_in_the_exports(make_ctx):
    brief = review.gather(make_ctx(), YEAR_2025)
    about = openpyxl.load_workbook(io.BytesIO(L.xlsx_bytes(brief))).worksheets[0]
    about_text = " ".join(str(c) for row in about.iter_rows(values_only=True) for c in row)
    page_text = str(L.page(brief).to_plotly_json())
    for text in (page_text, about_text):
        assert "art. 14" in text and "art. 16" in text and "art. 163 part 8" in text
        assert "Labour Code" in text and text.count("assumption") >= 4
        assert "Saturdays and Sundays declared working days" in text


def test_an_export_is_audited_with_the_scope():
    ctx = Context(engine=None, scope=ASTANA_HEAD, lang="en",
                  settings=Settings(database_url="sqlite://"))
    assert review.audit_target(ctx, "xlsx", YEAR_2025) == (
        "review.xlsx scope=region_head:KZ-71 ?period=year&to=2025-12-31")


def test_a_unit_head_gets_the_brief_of_the_unit_its_officers_side_by_side(make_ctx):
    brief = review.gather(make_ctx(Scope("unit_head", unit_id=3, username="head3")), YEAR_2025)
    assert brief.level == "officer" and brief.scope_name == "Medeu District"
    behind = dict(brief.behind)
    assert behind["caseload"].name.tolist() == ["Officer S-0004"]
    assert "The five officers of Medeu District" in L.html_document(brief)
    # Unit 3 on 31 Dec 2025: cases 9, 11, 12.
    assert brief.key_figures.set_index("measure").loc["on_register", "current"] == 3
    assert "Astana" not in L.html_document(brief)


def test_stock_figures_are_taken_on_the_periods_last_day(make_ctx):
    brief = review.gather(make_ctx(), YEAR_2025 + "&asof=2025-06-30")
    assert brief.key_figures.set_index("measure").loc["on_register", "current"] == 7
    assert brief.filters.as_of.isoformat() == "2025-12-31"
