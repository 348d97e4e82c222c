"""A small case-system extract, counted by hand, as CSV text (tests/test_import.py and
tests/test_import_cli.py)."""

from __future__ import annotations

from pathlib import Path

# A small extract, counted by hand: 2 regions, 2 units, 3 posts, 2 officers, 3 persons,
# 3 cases (case 3 follows case 2 after a transfer), 3 assignments, 4 milestones,
# 2 assistance, 1 violation. Line 1 of every file is the header.
BASE = {
    "regions": """code,name_kk,name_ru,name_en,center_en,center_lat,center_lon,population,kind
KZ-71,Астана қаласы,город Астана,Astana City,Astana,51.17,71.45,1500000,city
KZ-75,Алматы қаласы,город Алматы,Almaty City,Almaty,43.24,76.95,2300000,city
""",
    "units": """id,region_code,name_kk,name_ru,name_en,kind
1,KZ-71,Есіл ауданы,район Есиль,Esil District,city_district
2,KZ-75,Медеу ауданы,Медеуский район,Medeu District,city_district
""",
    "posts": """id,unit_id,grade,valid_from,valid_until,source,transferred_on
1,1,head,2012-01-01,,establishment_2012,
2,1,inspector,2015-01-01,,penal_transfer,2015-01-01
3,2,head,2012-01-01,,establishment_2012,
""",
    "officers": """id,code,unit_id,post_id,started_on,left_on,contracted_hours
1,OF-000001,1,1,2012-03-01,,40.0
2,OF-000002,2,3,2013-05-15,2024-01-01,30.0
""",
    "persons": """id,code,sex,birth_date,protected_category
1,P-0000001,M,1990-04-02,
2,P-0000002,F,1985-11-30,woman_child_under_3
3,P-0000003,M,2007-06-01,minor
""",
    "cases": ("id,person_id,unit_id,officer_id,probation_type,legal_category,risk_tier,"
              "appeared_on,registered_on,planned_end,closed_on,close_reason,hearing_on,"
              "release_on,previous_case_id\n") + """\
1,1,1,1,sentence,conditionally_sentenced,low,2020-01-10,2020-01-13,2021-01-13,,,,,
2,2,2,2,sentence,restriction_of_freedom,medium,2021-03-01,2021-03-02,2022-03-02,2021-09-01,transferred,,,
3,2,1,1,sentence,restriction_of_freedom,medium,2021-09-10,2021-09-13,2022-03-02,2022-03-02,completed,,,2
""",
    "case_assignments": """id,case_id,officer_id,assigned_on,unassigned_on
1,1,1,2020-01-13,
2,2,2,2021-03-02,2021-09-01
3,3,1,2021-09-13,2022-03-02
""",
    "milestones": """id,case_id,kind,seq,due_on,completed_on
1,1,registration,1,2020-01-15,2020-01-13
2,1,program_drafted,1,2020-02-12,2020-02-10
3,2,registration,1,2021-03-04,2021-03-02
4,3,registration,1,2021-09-15,2021-09-13
""",
    "assistance": """id,case_id,kind,requested_on,provided_on,result
1,1,employment,2020-02-01,2020-03-01,achieved
2,3,documents,2021-10-01,,
""",
    "violations": """id,case_id,occurred_on,kind,submitted_to_court_on,court_decision,decided_on
1,2,2021-05-05,malicious_violation,2021-05-20,rejected,2021-06-15
""",
}
BASE_ROWS = {"regions": 2, "units": 2, "posts": 3, "officers": 2, "persons": 3, "cases": 3,
             "case_assignments": 3, "milestones": 4, "assistance": 2, "violations": 1}


def write(directory: Path, changes: dict[str, str] | None = None, *,
          manifest: bool = True) -> Path:
    """The base extract in `directory`, with some files' text replaced, and its
    manifest.json (as export-extract writes it) unless manifest=False."""
    from service.extract.manifest import write_manifest

    directory.mkdir(parents=True, exist_ok=True)
    for name, body in (BASE | (changes or {})).items():
        (directory / f"{name}.csv").write_text(body, encoding="utf-8")
    if manifest:
        write_manifest(directory)
    return directory


def replace_line(name: str, line: int, new: str) -> dict[str, str]:
    """The base text of `name` with physical line `line` (header = 1) replaced."""
    lines = BASE[name].splitlines()
    lines[line - 1] = new
    return {name: "\n".join(lines) + "\n"}
