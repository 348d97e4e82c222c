"""Imports that prove they are complete (issue 29, item 5): `export-extract` writes
manifest.json (rows and SHA-256 of each file), `import` requires and checks it; NUL and
other control characters are refused with file:line. On SQLite and PostgreSQL (the
`engine` fixture), through the command line: exit code 2 and nothing written."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select

from dashboard import schema
from service.cli import main
from service.extract.manifest import MANIFEST, write_manifest
from tests.fixture_extract import BASE_ROWS, replace_line, write


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rows_in(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(
            schema.metadata.tables[name])).scalar_one() for name in BASE_ROWS}


@pytest.fixture
def importing(engine, monkeypatch, tmp_path, capsys):
    """`import DIR` into the test's database: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))

    def go(directory):
        return run(capsys, "import", str(directory), "--no-progress",
                   "--report", str(tmp_path / "report.csv"))
    return go


def refused(engine, code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("error: ")
    for word in words:
        assert word in err, err
    assert rows_in(engine) == dict.fromkeys(BASE_ROWS, 0)


def test_a_whole_extract_with_its_manifest_imports(engine, importing, tmp_path):
    code, out, err = importing(write(tmp_path / "x"))
    assert code == 0, err
    assert rows_in(engine) == BASE_ROWS


def test_an_extract_without_a_manifest_is_refused(engine, importing, tmp_path):
    code, _, err = importing(write(tmp_path / "x", manifest=False))
    refused(engine, code, err, f"has no {MANIFEST}")


def test_a_file_cut_off_at_a_line_boundary_is_refused(engine, importing, tmp_path):
    """Still valid CSV, one case fewer: only the manifest tells."""
    directory = write(tmp_path / "x")
    cases = (directory / "cases.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (directory / "cases.csv").write_text("".join(cases[:-1]), encoding="utf-8")
    code, _, err = importing(directory)
    refused(engine, code, err, "cases.csv: SHA-256 differs from manifest.json")


def test_a_row_count_other_than_the_manifests_is_refused(engine, importing, tmp_path):
    directory = write(tmp_path / "x")
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"]["milestones.csv"]["rows"] += 1
    (directory / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    code, _, err = importing(directory)
    refused(engine, code, err, "milestones.csv: 4 row(s) read, manifest.json promises 5")


def test_a_manifest_that_is_not_one_is_refused(engine, importing, tmp_path):
    directory = write(tmp_path / "x")
    (directory / MANIFEST).write_text("{not json", encoding="utf-8")
    code, _, err = importing(directory)
    refused(engine, code, err, "not a manifest")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_characters_are_refused_with_file_and_line(engine, importing, tmp_path,
                                                           char):
    line = f"2,KZ-75,Медеу ауданы,Медеуский район,Medeu{char}District,city_district"
    code, _, err = importing(write(tmp_path / "x", replace_line("units", 3, line)))
    refused(engine, code, err, "units.csv:3: name_en: control character "
                               f"U+{ord(char):04X} is not allowed", "nothing written")


def test_export_extract_writes_the_manifest(engine, importing, tmp_path, capsys):
    assert importing(write(tmp_path / "x"))[0] == 0
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "export-extract", str(out_dir))
    assert code == 0, err
    assert "manifest.json" in out
    manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    assert {name: entry["rows"] for name, entry in manifest["files"].items()} == {
        f"{name}.csv": n for name, n in BASE_ROWS.items()}
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((out_dir / name).read_bytes()).hexdigest()
    # What export-extract counted is what the import will count.
    write_manifest(out_dir)
    assert json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")) == manifest
