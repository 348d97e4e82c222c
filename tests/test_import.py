"""`import` of case-system extracts: validation, all-or-nothing, idempotence, upserts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from dashboard import schema
from service.extract.exporter import table_checksums, write_extract
from service.extract.importer import ExtractError, ExtractRefused, run_import
from service.extract.manifest import write_manifest
from tests.fixture_extract import BASE, BASE_ROWS, replace_line, write


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: n for name, (n, _digest) in table_checksums(conn).items()}


def checksums(engine):
    with engine.connect() as conn:
        return table_checksums(conn)


def reported(report: Path) -> list[tuple[str, int, str]]:
    with open(report, encoding="utf-8", newline="") as fh:
        return [(r["file"], int(r["line"]), r["reason"]) for r in csv.DictReader(fh)]


@pytest.fixture
def loaded(engine, tmp_path):
    """The database after importing the base extract."""
    run_import(engine, write(tmp_path / "base"), tmp_path / "base-report.csv")
    return engine


def test_base_extract_loads_every_row(engine, tmp_path):
    result = run_import(engine, write(tmp_path / "x"), tmp_path / "report.csv")

    assert counts(engine) == BASE_ROWS
    assert result.rejected_lines == 0
    assert {r.file: r.inserted for r in result.files.values()} == {
        f"{name}.csv": n for name, n in BASE_ROWS.items()}
    with engine.connect() as conn:
        names = conn.execute(select(schema.units.c.name_kk).order_by(schema.units.c.id))
        assert names.scalars().all() == ["Есіл ауданы", "Медеу ауданы"]


CORRUPTIONS = {
    "bad date": (replace_line("cases", 3, BASE["cases"].splitlines()[2].replace(
        "2021-03-02,2022-03-02", "2021-02-30,2022-03-02")),
        "cases.csv", 3, "registered_on '2021-02-30' is not a date"),
    "unknown region code": (replace_line(
        "units", 3, "2,KZ-99,Медеу ауданы,Медеуский район,Medeu District,city_district"),
        "units.csv", 3, "region_code KZ-99 is in neither regions.csv nor the database"),
    "duplicate id": (replace_line("milestones", 5, "2,3,registration,1,2021-09-15,2021-09-13"),
                     "milestones.csv", 5, "duplicate id 2 (first on line 3)"),
    "truncated line": ({"milestones": BASE["milestones"].rstrip("\n")[:-14]},
                       "milestones.csv", 5, "expected 6 fields, found 5"),
    "dates out of order": (replace_line("cases", 2, BASE["cases"].splitlines()[1].replace(
        ",,,,,", ",2019-12-31,completed,,,")),
        "cases.csv", 2, "closed_on 2019-12-31 is not after registered_on 2020-01-13"),
    "completed before registered": (replace_line(
        "milestones", 3, "2,1,program_drafted,1,2020-02-12,2020-01-01"),
        "milestones.csv", 3,
        "completed_on 2020-01-01 is before case 1 was registered on 2020-01-13"),
    "unknown code": (replace_line("persons", 4, "3,P-0000003,X,2007-06-01,minor"),
                     "persons.csv", 4, "sex 'X' is not one of: M, F"),
}


@pytest.mark.parametrize("case", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_corrupt_extract_is_refused_and_nothing_changes(loaded, tmp_path, case):
    changes, file, line, reason = CORRUPTIONS[case]
    before = checksums(loaded)
    report = tmp_path / "report.csv"

    with pytest.raises(ExtractRefused):
        run_import(loaded, write(tmp_path / "bad", changes), report)

    assert checksums(loaded) == before
    problems = reported(report)
    assert (file, line) in [(f, n) for f, n, _ in problems]
    assert any(f == file and n == line and reason in why for f, n, why in problems), problems


def test_cp1251_bytes_are_refused_with_their_line(loaded, tmp_path):
    directory = write(tmp_path / "bad")
    lines = BASE["units"].encode("utf-8").splitlines(keepends=True)
    lines[2] = "2,KZ-75,Медеу ауданы,Медеуский район,Medeu District,city_district\n".encode(
        "cp1251", errors="replace")
    (directory / "units.csv").write_bytes(b"".join(lines))
    write_manifest(directory)  # the bytes as the producer sent them
    before = checksums(loaded)

    with pytest.raises(ExtractRefused):
        run_import(loaded, directory, tmp_path / "report.csv")

    assert checksums(loaded) == before
    problems = reported(tmp_path / "report.csv")
    assert ("units.csv", 3) in [(f, n) for f, n, _ in problems]
    assert any("not UTF-8" in why for _, _, why in problems)


def test_every_problem_is_reported_with_its_physical_line(engine, tmp_path):
    """Several problems in one extract, one with a quoted field spanning two lines."""
    persons = BASE["persons"].replace("3,P-0000003,M,2007-06-01,minor",
                                      '"3",P-0000003,M,2007-06-01,minor\n4,"P-00\n04",M,1999-13-01,')
    changes = {"persons": persons,
               **replace_line("milestones", 4, "3,2,registration,1,2021-03-04,2021-02-01")}
    with pytest.raises(ExtractRefused) as refused:
        run_import(engine, write(tmp_path / "bad", changes), tmp_path / "report.csv")

    problems = reported(tmp_path / "report.csv")
    # Line 5's code holds a newline: a control character, refused like NUL.
    assert [(f, n) for f, n, _ in problems] == [("persons.csv", 5), ("persons.csv", 5),
                                               ("milestones.csv", 4)]
    assert "code: control character U+000A" in problems[0][2]
    assert "birth_date '1999-13-01'" in problems[1][2]
    assert refused.value.result.rejected_lines == 2
    assert counts(engine) == dict.fromkeys(BASE_ROWS, 0)


def test_same_extract_again_changes_nothing(loaded, tmp_path):
    before = checksums(loaded)

    result = run_import(loaded, write(tmp_path / "again"), tmp_path / "report.csv")

    assert checksums(loaded) == before
    assert result.changed == 0
    assert {r.file: r.unchanged for r in result.files.values()} == {
        f"{name}.csv": n for name, n in BASE_ROWS.items()}


def test_newer_extract_updates_rows_by_id(loaded, tmp_path):
    newer = {
        **replace_line("cases", 2, "1,1,1,1,sentence,conditionally_sentenced,high,2020-01-10,"
                       "2020-01-13,2021-01-13,2021-01-13,completed,,,"),
        "milestones": BASE["milestones"] + "5,1,check_in,1,2020-02-13,2020-02-13\n",
    }
    before = checksums(loaded)

    result = run_import(loaded, write(tmp_path / "newer", newer), tmp_path / "report.csv")

    assert (result.files["cases"].updated, result.files["cases"].unchanged) == (1, 2)
    assert (result.files["milestones"].inserted, result.files["milestones"].unchanged) == (1, 4)
    after = checksums(loaded)
    assert [t for t in after if after[t] != before[t]] == ["cases", "milestones"]
    with loaded.connect() as conn:
        row = conn.execute(select(schema.cases).where(schema.cases.c.id == 1)).one()
    assert (row.risk_tier, row.close_reason, str(row.closed_on)) == (
        "high", "completed", "2021-01-13")


def test_extract_may_refer_to_rows_already_in_the_database(loaded, tmp_path):
    only_new = {name: body.splitlines()[0] + "\n" for name, body in BASE.items()}
    only_new["milestones"] += "9,3,check_in,1,2021-10-13,\n"

    result = run_import(loaded, write(tmp_path / "delta", only_new), tmp_path / "report.csv")

    assert result.files["milestones"].inserted == 1
    assert counts(loaded)["milestones"] == 5
    assert counts(loaded)["cases"] == 3  # rows absent from an extract are kept


def test_skip_invalid_writes_exactly_the_valid_rows(engine, tmp_path):
    # Case 2 closes before it was registered: it, the case that follows it (3) and every
    # row of theirs are rejected; case 1 and its rows load.
    changes = replace_line("cases", 3, BASE["cases"].splitlines()[2].replace(
        "2021-09-01,transferred", "2021-01-01,transferred"))
    report = tmp_path / "out" / "report.csv"

    result = run_import(engine, write(tmp_path / "x", changes), report, skip_invalid=True)

    assert counts(engine) == BASE_ROWS | {"cases": 1, "case_assignments": 1, "milestones": 2,
                                          "assistance": 1, "violations": 0}
    lines = {(f, n) for f, n, _ in reported(report)}
    assert lines == {("cases.csv", 3), ("cases.csv", 4), ("case_assignments.csv", 3),
                     ("case_assignments.csv", 4), ("milestones.csv", 4),
                     ("milestones.csv", 5), ("assistance.csv", 3), ("violations.csv", 2)}
    why = {(f, n): w for f, n, w in reported(report)}
    assert why[("cases.csv", 4)] == ("previous_case_id 2 refers to a rejected line "
                                     "(cases.csv line 3)")
    assert why[("violations.csv", 2)] == "case_id 2 refers to a rejected line (cases.csv line 3)"
    with open(result.rejected_path, encoding="utf-8", newline="") as fh:
        rejected = list(csv.DictReader(fh))
    assert result.rejected_path == tmp_path / "out" / "report-rejected.csv"
    assert len(rejected) == 8
    assert rejected[0]["record"].startswith("2,2,2,2,sentence,restriction_of_freedom")


def test_previous_case_may_come_later_in_the_file(engine, tmp_path):
    lines = BASE["cases"].splitlines()
    cases = "\n".join([lines[0], lines[3], lines[1], lines[2]]) + "\n"

    run_import(engine, write(tmp_path / "x", {"cases": cases}), tmp_path / "report.csv")

    assert counts(engine)["cases"] == 3


def test_code_used_by_another_id_in_the_database_is_refused(loaded, tmp_path):
    delta = {name: body.splitlines()[0] + "\n" for name, body in BASE.items()}
    delta["persons"] += "7,P-0000001,M,2007-06-01,minor\n"
    before = checksums(loaded)
    with pytest.raises(ExtractRefused):
        run_import(loaded, write(tmp_path / "x", delta), tmp_path / "report.csv")

    problems = reported(tmp_path / "report.csv")
    assert problems == [("persons.csv", 2, "code is already used by persons 1 in the database")]
    assert checksums(loaded) == before


def test_wrong_header_stops_the_run(engine, tmp_path):
    changes = {"units": BASE["units"].replace("region_code", "oblast")}
    with pytest.raises(ExtractError, match="units.csv line 1: missing column.s. region_code; "
                                           "unknown column.s. oblast"):
        run_import(engine, write(tmp_path / "x", changes), tmp_path / "report.csv")
    assert counts(engine) == dict.fromkeys(BASE_ROWS, 0)


def test_export_writes_the_import_format(loaded, tmp_path):
    with loaded.connect() as conn:
        write_extract(conn, tmp_path / "out")
    for name, body in BASE.items():
        assert (tmp_path / "out" / f"{name}.csv").read_text(encoding="utf-8") == body


# Two more cases, one of each category the service took on with issue 27: a public-works
# case with its summons (due 10 calendar days after the register day), a deferred sentence.
NEW_CATEGORIES = {
    "cases": BASE["cases"] + """\
4,3,1,1,sentence,public_works,low,2025-03-20,2025-03-21,2025-05-21,2025-05-21,completed,,,
5,2,2,,sentence,deferred_sentence,medium,2024-06-03,2024-06-05,2027-06-05,,,,,
""",
    "case_assignments": BASE["case_assignments"] + "4,4,1,2025-03-21,2025-05-21\n",
    "milestones": BASE["milestones"] + """\
5,4,registration,1,2025-03-27,2025-03-21
6,4,summons,1,2025-03-31,2025-03-24
7,5,registration,1,2024-06-06,2024-06-05
""",
}


def test_export_then_import_keeps_the_new_categories(engine, tmp_path):
    run_import(engine, write(tmp_path / "in", NEW_CATEGORIES), tmp_path / "report.csv")
    with engine.connect() as conn:
        categories = dict(conn.execute(select(schema.cases.c.id,
                                              schema.cases.c.legal_category)).all())
        write_extract(conn, tmp_path / "out")
    assert categories[4] == "public_works" and categories[5] == "deferred_sentence"
    for name, body in (BASE | NEW_CATEGORIES).items():
        assert (tmp_path / "out" / f"{name}.csv").read_text(encoding="utf-8") == body
    before = checksums(engine)
    result = run_import(engine, tmp_path / "out", tmp_path / "again.csv")
    assert checksums(engine) == before
    assert result.rejected_lines == 0


def test_a_summons_belongs_to_a_public_works_case(engine, tmp_path):
    changes = {**NEW_CATEGORIES, "milestones": NEW_CATEGORIES["milestones"]
               + "8,1,summons,1,2020-01-23,2020-01-20\n"}
    with pytest.raises(ExtractRefused):
        run_import(engine, write(tmp_path / "bad", changes), tmp_path / "report.csv")
    assert reported(tmp_path / "report.csv") == [
        ("milestones.csv", 9, "a summons milestone is not for case 1, whose legal_category "
                              "is conditionally_sentenced")]


def test_an_export_of_generated_data_stays_marked_synthetic(loaded, tmp_path):
    """The generator's transfers are invented: its export's manifest says the data are
    synthetic, and importing that export keeps them marked (queries.common.synthetic_data)."""
    import json

    from dashboard import db, migrate
    from queries.common import synthetic_data

    with loaded.connect() as conn:
        write_extract(conn, tmp_path / "real")
        assert not synthetic_data(conn)
    assert "synthetic" not in json.loads((tmp_path / "real" / "manifest.json").read_text())
    with loaded.begin() as conn:
        conn.execute(schema.dataset_info.update().where(schema.dataset_info.c.key == "source")
                     .values(value="synthetic demo"))
        write_extract(conn, tmp_path / "demo")
    manifest = json.loads((tmp_path / "demo" / "manifest.json").read_text())
    assert "transfers" in manifest["synthetic"]
    for name, synthetic in (("real", False), ("demo", True)):
        fresh = db.make_engine(f"sqlite:///{tmp_path / name}.db")
        migrate.upgrade(fresh)
        run_import(fresh, tmp_path / name, tmp_path / f"{name}.csv")
        with fresh.connect() as conn:
            assert synthetic_data(conn) is synthetic
        fresh.dispose()
