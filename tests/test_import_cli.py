"""The `import` and `export-extract` commands: one-line errors, exit codes, round trip."""

from __future__ import annotations

import pytest

from service import demo, load
from service.cli import main
from service.extract.exporter import table_checksums
from tests.fixture_extract import write


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *words: str) -> None:
    assert code != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for word in words:
        assert word in lines[0]


def test_missing_directory(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    code, _, err = run(capsys, "import", str(tmp_path / "nowhere"))
    assert_one_line_error(code, err, "extract directory not found", "nowhere")


def test_missing_required_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    directory = write(tmp_path / "x")
    (directory / "milestones.csv").unlink()
    code, _, err = run(capsys, "import", str(directory))
    assert_one_line_error(code, err, "lacks required file(s): milestones.csv")


def test_unreachable_database(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:1/none")
    code, _, err = run(capsys, "import", str(write(tmp_path / "x")))
    assert_one_line_error(code, err, "database unreachable")


def test_refused_extract_exits_non_zero_and_names_the_lines(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    directory = write(tmp_path / "x", {"units": "id,region_code,name_kk,name_ru,name_en,kind\n"
                                                "1,KZ-99,А,А,A,district\n"})
    report = tmp_path / "report.csv"
    code, _, err = run(capsys, "import", str(directory), "--report", str(report),
                       "--no-progress")
    assert code != 0
    assert "Traceback" not in err
    assert "units.csv:2: region_code KZ-99 is in neither regions.csv nor the database" in err
    assert err.strip().splitlines()[-1].startswith("error: extract refused: ")


def test_command_line_import_twice(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    directory, report = str(write(tmp_path / "x")), str(tmp_path / "r.csv")
    code, out, _ = run(capsys, "import", directory, "--report", report, "--no-progress")
    assert code == 0 and "imported: 25 row(s)" in out
    code, out, _ = run(capsys, "import", directory, "--report", report, "--no-progress")
    assert code == 0 and out.strip().endswith("nothing changed")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """`generate --scale 0.01` into a SQLite file and `export-extract` of it, once for the
    backends the round trip imports into: (the source's URL, the extract's folder)."""
    folder = tmp_path_factory.mktemp("round-trip")
    source_url = f"sqlite:///{folder}/source.db"
    assert main(["--database-url", source_url, "generate", "--scale", "0.01"]) == 0
    assert main(["--database-url", source_url, "export-extract", str(folder / "extract")]) == 0
    return source_url, folder / "extract"


@pytest.mark.slow
def test_generate_export_import_gives_identical_tables(engine, tmp_path, capsys, monkeypatch,
                                                        exported):
    """generate -> export-extract -> import into an empty database: same rows, same sums."""
    source_url, extract = exported
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    code, _, err = run(capsys, "import", str(extract), "--no-progress",
                       "--report", str(tmp_path / "report.csv"))
    assert code == 0, err

    from dashboard.db import make_engine

    source = make_engine(source_url)
    with source.connect() as a, engine.connect() as b:
        expected, got = table_checksums(a), table_checksums(b)
    source.dispose()
    assert got == expected
    assert got["milestones"][0] > 10_000


@pytest.mark.parametrize("scale", [0.002])
def test_generated_dataset_passes_every_rule(engine, tmp_path, scale):
    """The synthetic generator and the import rules agree (no false rejections)."""
    dataset = demo.generate(scale=scale, seed=7)
    load.replace_all(engine, dataset)
    from service.extract.exporter import write_extract
    from service.extract.importer import run_import

    with engine.connect() as conn:
        write_extract(conn, tmp_path / "x")
    result = run_import(engine, tmp_path / "x", tmp_path / "report.csv")
    assert result.rejected_lines == 0 and result.changed == 0
