"""Import of case-system extracts: validate every line, then upsert by source id, in one
transaction.

How a run goes:
1. Files are read in load order (parents first), streamed with the csv module in chunks
   of CHUNK_ROWS lines, so memory stays bounded whatever the file size. Each chunk is
   parsed and checked column by column (types, codes, lengths, encoding), then line by
   line against the rules (dashboard/extract/rules.py), the keys seen so far (duplicates)
   and the parent rows known from this extract or the database (references).
2. Lines that pass go to a temporary staging table; lines that fail go to the report
   (file, physical line, reason). A line that refers to a rejected line is rejected too.
3. Without --skip-invalid, any rejected line rolls the whole run back. Otherwise (or when
   nothing was rejected) the staging tables are merged into the real tables by key:
   new keys are inserted, changed rows updated, identical rows left alone. Rows of the
   database that the extract does not mention are kept.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click
import numpy as np
import pandas as pd
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, delete, select, text
from sqlalchemy.engine import Connection, Engine

from dashboard import schema
from dashboard.db import is_postgres
from queries.common import SYNTHETIC_SOURCE
from service import load, readmodel
from service.extract import manifest
from service.extract.formats import BY_NAME, FILES, FileSpec
from service.extract.rules import RULES, Lookups
from service.load import new_data_version

CHUNK_ROWS = 50_000
SHOWN_PROBLEMS = 20  # problems printed on the terminal; the report has all of them
PARENT_TABLES = {f.ref for spec in FILES for f in spec.fields if f.ref}
_SURROGATES = "[\udc80-\udcff]"
_HAS_SURROGATE = re.compile(_SURROGATES)
_CONTROL = "[\x00-\x1f\x7f]"
"""NUL and the other control characters: refused in every field, on every backend
(PostgreSQL cannot store NUL in text; SQLite would)."""
_CONTROL_RE = re.compile(_CONTROL)
_INTEGER = r"\+?\d{1,10}"
_DATE = r"\d{4}-\d{2}-\d{2}"


def _every(pattern: str, values: pd.Series) -> bool:
    """Whether every value (none holding a newline) matches `pattern`: one regex call
    for a whole column, the fast path for clean files."""
    joined = "\n".join(values.tolist())
    return re.fullmatch(f"(?:{pattern})(?:\n(?:{pattern}))*", joined) is not None


def _matches(pattern: str, s: pd.Series, given: np.ndarray) -> np.ndarray:
    """Which given values match `pattern` in full."""
    if given.any() and _every(pattern, s[given]):
        return given.copy()
    return s.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool) & given


class ExtractError(Exception):
    """The extract cannot be read at all (missing file, bad header): nothing is written."""


class ExtractRefused(Exception):
    """Some lines were rejected and --skip-invalid was not given: nothing was written."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__(f"{result.rejected_lines:,} line(s) rejected")


@dataclass
class FileResult:
    file: str
    read: int = 0
    rejected: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    files: dict[str, FileResult]
    report_path: Path
    rejected_path: Path | None
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    written: bool = False

    @property
    def rejected_lines(self) -> int:
        return sum(r.rejected for r in self.files.values())

    @property
    def changed(self) -> int:
        return sum(r.inserted + r.updated for r in self.files.values())


def check_extract(directory: Path) -> dict[str, int]:
    """Rows per file that manifest.json promises; ExtractError if the directory, a file
    or the manifest is missing, or a file's SHA-256 differs from the manifest's."""
    if not directory.is_dir():
        raise ExtractError(f"extract directory not found: {directory}")
    missing = [spec.filename for spec in FILES if not (directory / spec.filename).is_file()]
    if missing:
        raise ExtractError(f"extract {directory} lacks required file(s): {', '.join(missing)}")
    try:
        return manifest.verify(directory)
    except manifest.ManifestError as exc:
        raise ExtractError(str(exc)) from None


def rejected_path_for(report_path: Path) -> Path:
    return report_path.with_name(report_path.stem + "-rejected.csv")


class _Reporter:
    """Writes the report (file, line, reason) and, with --skip-invalid, the rejected lines."""

    def __init__(self, report_path: Path, rejected_path: Path | None):
        report_path.parent.mkdir(parents=True, exist_ok=True)
        self._report_fh = open(report_path, "w", encoding="utf-8", newline="")
        self._report = csv.writer(self._report_fh, lineterminator="\n")
        self._report.writerow(["file", "line", "reason"])
        self._rejected_fh = None
        if rejected_path is not None:
            self._rejected_fh = open(rejected_path, "w", encoding="utf-8",
                                     errors="backslashreplace", newline="")
            self._rejected = csv.writer(self._rejected_fh, lineterminator="\n")
            self._rejected.writerow(["file", "line", "record"])
        self.problems: list[tuple[str, int, str]] = []

    def reject(self, file: str, line: int, reasons: list[str], record: list[str]) -> None:
        for reason in reasons:
            self._report.writerow([file, line, reason])
            if len(self.problems) < SHOWN_PROBLEMS:
                self.problems.append((file, line, reason))
        if self._rejected_fh is not None:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(record)
            self._rejected.writerow([file, line, buffer.getvalue()])

    def close(self) -> None:
        self._report_fh.close()
        if self._rejected_fh is not None:
            self._rejected_fh.close()


class _CountingReader(io.RawIOBase):
    """A raw reader that counts the bytes read, for the progress bar."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer) or 0
        self.count += n
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _staging_table(spec: FileSpec) -> Table:
    return Table(f"import_stg_{spec.name}", MetaData(), Column("line", Integer),
                 *[Column(c.name, c.type) for c in spec.table.columns],
                 prefixes=["TEMPORARY"])


def _chunks(values: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Import(Lookups):
    def __init__(self, conn: Connection, directory: Path, reporter: _Reporter,
                 show_progress: bool, expected_rows: dict[str, int] | None = None):
        self.conn = conn
        self.expected_rows = expected_rows or {}
        self.directory = directory
        self.reporter = reporter
        self.show_progress = show_progress
        self.results = {spec.name: FileResult(spec.filename) for spec in FILES}
        # Keys of parent tables: in the database, and accepted from this extract.
        self.known: dict[str, set] = {}
        self.rejected: dict[str, dict] = {name: {} for name in PARENT_TABLES}
        self.staging: dict[str, Table] = {}
        self._case_registered = pd.Series(dtype="datetime64[ns]")
        self._post_unit = pd.Series(dtype="Int64")
        self._case_category = pd.Series(dtype=object)
        self._previous: dict[int, tuple[int, int]] = {}  # case id -> (previous id, line)

    # ---- lookups for the rules ----------------------------------------------------------
    @staticmethod
    def _lookup(series: pd.Series, keys: pd.Series) -> pd.Series:
        wanted = keys.astype("Int64").fillna(-1).to_numpy(dtype="int64")
        return pd.Series(series.reindex(wanted).to_numpy(), index=keys.index)

    def case_registered(self, case_ids: pd.Series) -> pd.Series:
        return self._lookup(self._case_registered, case_ids).astype("datetime64[ns]")

    def post_unit(self, post_ids: pd.Series) -> pd.Series:
        return self._lookup(self._post_unit, post_ids).astype("Int64")

    def case_category(self, case_ids: pd.Series) -> pd.Series:
        return self._lookup(self._case_category, case_ids)

    # ---- the run ----------------------------------------------------------------------------
    def run(self) -> None:
        for name in PARENT_TABLES:
            table = schema.metadata.tables[name]
            (key,) = table.primary_key.columns
            self.known[name] = set(self.conn.execute(select(key)).scalars())
        rows = self.conn.execute(select(schema.cases.c.id, schema.cases.c.registered_on))
        self._case_registered = self._series(rows, "datetime64[ns]")
        rows = self.conn.execute(select(schema.cases.c.id, schema.cases.c.legal_category))
        self._case_category = self._series(rows, "object")
        rows = self.conn.execute(select(schema.posts.c.id, schema.posts.c.unit_id))
        self._post_unit = self._series(rows, "Int64")
        for spec in FILES:
            stage = _staging_table(spec)
            stage.create(self.conn)
            self.staging[spec.name] = stage
            self._read_file(spec)
            self._check_complete(spec)
            self._after_file(spec)

    def _check_complete(self, spec: FileSpec) -> None:
        """The rows read are the rows the manifest promises (else nothing is written)."""
        expected = self.expected_rows.get(spec.filename)
        read = self.results[spec.name].read
        if expected is not None and read != expected:
            raise ExtractError(f"{spec.filename}: {read:,} row(s) read, {manifest.MANIFEST} "
                               f"promises {expected:,}: refused")

    @staticmethod
    def _series(rows, dtype: str) -> pd.Series:
        rows = list(rows)
        if not rows:
            return pd.Series(dtype=dtype)
        ids, values = zip(*rows, strict=True)
        if dtype.startswith("datetime"):
            values = pd.to_datetime(pd.Series(values))
        return pd.Series(np.asarray(values) if dtype != "Int64" else values,
                         index=np.asarray(ids, dtype="int64")).astype(dtype)

    def _read_file(self, spec: FileSpec) -> None:
        path = self.directory / spec.filename
        counting = _CountingReader(open(path, "rb", buffering=0))
        text_in = io.TextIOWrapper(io.BufferedReader(counting, 1 << 20), encoding="utf-8-sig",
                                   errors="surrogateescape", newline="")
        size = path.stat().st_size
        bar = (click.progressbar(length=size, label=f"{spec.filename:<22}", file=sys.stderr,
                                 show_pos=False, show_percent=True)
               if self.show_progress else nullcontext())
        state = _FileState(spec)
        with text_in, bar as progress:
            reader = csv.reader(text_in, strict=True)
            state.header = self._header(spec, reader)
            done_line = reader.line_num
            lines: list[int] = []
            records: list[list[str]] = []
            seen_bytes = 0
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    self.results[spec.name].read += 1
                    self._reject(spec, done_line + 1, [f"malformed CSV: {exc}"], [])
                    done_line = reader.line_num
                    continue
                start, done_line = done_line + 1, reader.line_num
                if not record:  # a blank line
                    continue
                self.results[spec.name].read += 1
                if len(record) != len(state.header):
                    self._reject(spec, start, [
                        f"expected {len(state.header)} fields, found {len(record)} "
                        "(truncated or malformed line)"], record)
                    continue
                lines.append(start)
                records.append(record)
                if len(records) >= CHUNK_ROWS:
                    self._check_chunk(spec, state, lines, records)
                    lines, records = [], []
                    if progress is not None:
                        progress.update(counting.count - seen_bytes)
                        seen_bytes = counting.count
            if records:
                self._check_chunk(spec, state, lines, records)
            if progress is not None:
                progress.update(size - seen_bytes)

    def _header(self, spec: FileSpec, reader) -> list[str]:
        try:
            header = next(reader)
        except StopIteration:
            raise ExtractError(f"{spec.filename} is empty: line 1 must be the header "
                               f"{','.join(spec.columns)}") from None
        except csv.Error as exc:
            raise ExtractError(f"{spec.filename} line 1: malformed header: {exc}") from None
        if any("\udc80" <= ch <= "\udcff" for name in header for ch in name):
            raise ExtractError(f"{spec.filename} line 1: not UTF-8 text")
        missing = [c for c in spec.columns if c not in header]
        unknown = [c for c in header if c not in spec.columns]
        doubled = sorted({c for c in header if header.count(c) > 1})
        problems = []
        if missing:
            problems.append("missing column(s) " + ", ".join(missing))
        if unknown:
            problems.append("unknown column(s) " + ", ".join(unknown))
        if doubled:
            problems.append("repeated column(s) " + ", ".join(doubled))
        if problems:
            raise ExtractError(f"{spec.filename} line 1: " + "; ".join(problems))
        return header

    def _reject(self, spec: FileSpec, line: int, reasons: list[str], record: list[str]) -> None:
        self.results[spec.name].rejected += 1
        self.reporter.reject(spec.filename, line, reasons, record)

    # ---- one chunk ----------------------------------------------------------------------------
    def _check_chunk(self, spec: FileSpec, state: _FileState, lines: list[int],
                     records: list[list[str]]) -> None:
        raw = pd.DataFrame(records, columns=state.header, dtype=object)[spec.columns]
        raw.index = pd.RangeIndex(len(raw))
        reasons: dict[int, list[str]] = defaultdict(list)
        parsed = self._parse(spec, raw, reasons)
        duplicate_key = self._check_unique(spec, state, parsed, lines, reasons)
        self._check_references(spec, parsed, reasons)
        rule = RULES.get(spec.name)
        if rule is not None:
            for problem in rule(parsed, self):
                for i in np.flatnonzero(problem.mask):
                    values = raw.iloc[i].to_dict()
                    values.update({k: v.iloc[i] for k, v in problem.extra.items()})
                    reasons[i].append(problem.message.format(**values))
        ok = np.ones(len(raw), dtype=bool)
        for i, why in sorted(reasons.items()):
            ok[i] = False
            self._reject(spec, lines[i], why, records[i])
            if not duplicate_key[i]:  # a duplicate's key belongs to its first line
                self._remember_rejected(spec, parsed[spec.key].iloc[i], lines[i])
        self._accept(spec, parsed[ok], raw[ok], np.asarray(lines)[ok])

    def _parse(self, spec: FileSpec, raw: pd.DataFrame, reasons) -> pd.DataFrame:
        parsed = {}
        for f in spec.fields:
            s = raw[f.name]
            if _HAS_SURROGATE.search("".join(s.tolist())):
                bad_text = s.str.contains(_SURROGATES, regex=True).to_numpy()
            else:
                bad_text = np.zeros(len(s), dtype=bool)
            for i in np.flatnonzero(bad_text):
                byte = next(ord(ch) - 0xDC00 for ch in s.iloc[i] if "\udc80" <= ch <= "\udcff")
                reasons[i].append(f"{f.name}: not UTF-8 text (byte 0x{byte:02X}; "
                                  "Windows-1251 or another code page?)")
            control = np.zeros(len(s), dtype=bool)
            if _CONTROL_RE.search("".join(s.tolist())):
                control = s.str.contains(_CONTROL, regex=True).fillna(False).to_numpy(
                    dtype=bool)
            for i in np.flatnonzero(control & ~bad_text):
                char = _CONTROL_RE.search(s.iloc[i]).group()
                reasons[i].append(f"{f.name}: control character U+{ord(char):04X} "
                                  "is not allowed")
            bad_text = bad_text | control
            given = (s != "").to_numpy() & ~bad_text
            if f.required:
                for i in np.flatnonzero((s == "").to_numpy()):
                    reasons[i].append(f"{f.name} is missing")
            value, bad, expect = self._parse_column(f, s.where(given, None), given)
            for i in np.flatnonzero(bad):
                reasons[i].append(f"{f.name} {s.iloc[i]!r} is not {expect}")
            parsed[f.name] = value.where(~bad) if f.kind != "int" else value.mask(bad)
        return pd.DataFrame(parsed)

    @staticmethod
    def _parse_column(f, s: pd.Series, given: np.ndarray):
        """(values, bad mask, what was expected) for one column of strings."""
        if f.kind == "int":
            low = 1 if f.ref or f.name == "id" else 0
            digits = _matches(_INTEGER, s, given)
            number = pd.to_numeric(s.where(digits), errors="coerce")
            in_range = ((number >= low) & (number <= f.max_int)).to_numpy()
            bad = given & ~(digits & in_range)
            return (number.where(~bad).astype("Int64"), bad,
                    f"a whole number from {low} to {f.max_int}")
        if f.kind == "float":
            number = pd.to_numeric(s, errors="coerce")
            bad = given & ~np.isfinite(number.to_numpy(dtype=float))
            return number, bad, "a number"
        if f.kind == "date":
            shaped = _matches(_DATE, s, given)
            day = pd.to_datetime(s.where(shaped), format="%Y-%m-%d", errors="coerce")
            year = day.dt.year
            ok = (day.notna() & (year >= 1900) & (year <= 2100)).to_numpy()
            bad = given & ~ok
            return day, bad, "a date YYYY-MM-DD between 1900 and 2100"
        # text
        bad = np.zeros(len(s), dtype=bool)
        expect = "valid"
        if f.codes is not None:
            bad = given & ~s.isin(f.codes).to_numpy()
            expect = "one of: " + ", ".join(f.codes)
        elif f.max_len is not None:
            bad = given & (s.str.len() > f.max_len).fillna(False).to_numpy(dtype=bool)
            expect = f"at most {f.max_len} characters long"
        return s, bad, expect

    def _check_unique(self, spec: FileSpec, state: _FileState, parsed: pd.DataFrame,
                      lines: list[int], reasons) -> np.ndarray:
        """Flags repeated keys and unique codes; returns the mask of repeated keys."""
        line_array = np.asarray(lines)
        duplicate_key = np.zeros(len(parsed), dtype=bool)
        for column in state.unique:
            values = parsed[column]
            seen = state.seen[column]
            given = values.notna().to_numpy()
            earlier = values.isin(seen).to_numpy() & given
            again = values.duplicated(keep="first").to_numpy() & given & ~earlier
            for i in np.flatnonzero(earlier | again):
                value = values.iloc[i]
                first = state.first_line(column, value) if earlier[i] else int(
                    line_array[np.flatnonzero((values == value).to_numpy())[0]])
                reasons[i].append(f"duplicate {column} {value} (first on line {first})")
            fresh = given & ~earlier & ~again
            seen.update(values[fresh].tolist())
            state.firsts[column].append((values[fresh].to_numpy(), line_array[fresh]))
            if column == spec.key:
                duplicate_key = earlier | again
        return duplicate_key

    def _check_references(self, spec: FileSpec, parsed: pd.DataFrame, reasons) -> None:
        for f in spec.fields:
            if f.ref is None:
                continue
            values = parsed[f.name]
            if f.ref == spec.name:  # previous_case_id: checked when the whole file is read
                continue
            given = values.notna().to_numpy()
            rejected = self.rejected[f.ref]
            is_rejected = given & values.isin(rejected.keys()).to_numpy()
            unknown = given & ~is_rejected & ~values.isin(self.known[f.ref]).to_numpy()
            for i in np.flatnonzero(is_rejected):
                value = values.iloc[i]
                reasons[i].append(f"{f.name} {value} refers to a rejected line "
                                  f"({f.ref}.csv line {rejected[value]})")
            for i in np.flatnonzero(unknown):
                reasons[i].append(f"{f.name} {values.iloc[i]} is in neither {f.ref}.csv "
                                  "nor the database")

    def _remember_rejected(self, spec: FileSpec, key, line: int) -> None:
        if spec.name in PARENT_TABLES and not pd.isna(key):
            if key not in self.rejected[spec.name]:
                self.rejected[spec.name][key] = line

    def _accept(self, spec: FileSpec, parsed: pd.DataFrame, raw: pd.DataFrame,
                lines: np.ndarray) -> None:
        if len(parsed) == 0:
            return
        keys = parsed[spec.key]
        if spec.name in PARENT_TABLES:
            self.known[spec.name].update(keys.tolist())
        if spec.name == "cases":
            previous = parsed["previous_case_id"]
            given = previous.notna().to_numpy()
            for case_id, previous_id, line in zip(keys[given].tolist(),
                                                  previous[given].tolist(),
                                                  lines[given].tolist(), strict=True):
                self._previous[case_id] = (previous_id, line)
            self._case_registered = _override(
                self._case_registered, keys, parsed["registered_on"])
            self._case_category = _override(
                self._case_category, keys, parsed["legal_category"])
        if spec.name == "posts":
            self._post_unit = _override(self._post_unit, keys, parsed["unit_id"])
        columns = [lines.tolist()]
        for f in spec.fields:
            if f.kind == "date":
                values = raw[f.name].where(raw[f.name] != "", None)
            elif f.kind == "int":
                values = parsed[f.name].astype(object)
            elif f.kind == "float":
                values = parsed[f.name].astype(object)
            else:
                values = parsed[f.name].where(parsed[f.name] != "", None)
            column = values.to_numpy(dtype=object, copy=True)
            column[pd.isna(values).to_numpy()] = None
            columns.append(column.tolist())
        self._stage(spec, list(zip(*columns, strict=True)))

    def _stage(self, spec: FileSpec, rows: list[tuple]) -> None:
        stage = self.staging[spec.name]
        names = ", ".join(c.name for c in stage.columns)
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            if is_postgres(self.conn):
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(rows)
                buffer.seek(0)
                cursor.copy_expert(f"COPY {stage.name} ({names}) FROM STDIN WITH (FORMAT csv)",
                                   buffer)
            else:
                marks = ", ".join("?" for _ in stage.columns)
                cursor.executemany(f"INSERT INTO {stage.name} ({names}) VALUES ({marks})", rows)
        finally:
            cursor.close()

    # ---- checks that need the whole file ------------------------------------------------------
    def _after_file(self, spec: FileSpec) -> None:
        if spec.name == "cases":
            self._check_previous_cases(spec)
        for column in spec.table.columns:
            if column.unique and not column.primary_key:
                self._check_unique_in_database(spec, column.name)

    def _check_previous_cases(self, spec: FileSpec) -> None:
        rejected = self.rejected["cases"]
        while True:
            reasons = {}
            for case_id, (previous, _line) in self._previous.items():
                if previous in rejected:
                    reasons[case_id] = (f"previous_case_id {previous} refers to a rejected "
                                        f"line (cases.csv line {rejected[previous]})")
                elif previous not in self.known["cases"]:
                    reasons[case_id] = (f"previous_case_id {previous} is in neither "
                                        "cases.csv nor the database")
            if not reasons:
                return
            self._reject_staged(spec, reasons)
            for case_id in reasons:
                self._previous.pop(case_id, None)

    def _check_unique_in_database(self, spec: FileSpec, column: str) -> None:
        stage, table = self.staging[spec.name], spec.table
        key = spec.key
        clash = select(stage.c[key], table.c[key].label("other")).join_from(
            stage, table, (table.c[column] == stage.c[column]) & (table.c[key] != stage.c[key]))
        reasons = {row[0]: f"{column} is already used by {spec.name} {row[1]} in the database"
                   for row in self.conn.execute(clash)}
        if reasons:
            self._reject_staged(spec, reasons)

    def _reject_staged(self, spec: FileSpec, reasons: dict) -> None:
        """Reject lines already staged: report them and take them out of the staging table."""
        stage = self.staging[spec.name]
        key = stage.c[spec.key]
        for keys in _chunks(sorted(reasons)):
            rows = self.conn.execute(select(stage).where(key.in_(keys))).mappings().all()
            for row in rows:
                record = [_as_text(row[c]) for c in spec.columns]
                self._reject(spec, row["line"], [reasons[row[spec.key]]], record)
                self._remember_rejected(spec, row[spec.key], row["line"])
                if spec.name in PARENT_TABLES:
                    self.known[spec.name].discard(row[spec.key])
            self.conn.execute(delete(stage).where(key.in_(keys)))

    # ---- writing ----------------------------------------------------------------------------
    def merge(self) -> None:
        """Upsert every staging table into its table, parents first."""
        pg = is_postgres(self.conn)
        differs = "IS DISTINCT FROM" if pg else "IS NOT"
        for spec in FILES:
            stage, table, key = self.staging[spec.name], spec.table.name, spec.key
            names = ", ".join(spec.columns)
            others = [c for c in spec.columns if c != key]
            total = self.conn.execute(select(text("count(*)")).select_from(stage)).scalar_one()
            new = self.conn.execute(text(
                f"SELECT count(*) FROM {stage.name} s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {table} t WHERE t.{key} = s.{key})")).scalar_one()
            changed = 0
            if total:
                sets = ", ".join(f"{c} = excluded.{c}" for c in others)
                where = " OR ".join(f"{table}.{c} {differs} excluded.{c}" for c in others)
                result = self.conn.execute(text(
                    f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage.name} WHERE true "
                    f"ON CONFLICT ({key}) DO UPDATE SET {sets} WHERE {where}"))
                changed = result.rowcount
            outcome = self.results[spec.name]
            outcome.inserted = new
            outcome.updated = changed - new
            outcome.unchanged = total - changed

    def drop_staging(self) -> None:
        for stage in self.staging.values():
            stage.drop(self.conn)


@dataclass
class _FileState:
    """What one file's reading remembers between chunks: keys and codes seen so far."""

    spec: FileSpec
    header: list[str] = field(default_factory=list)
    unique: list[str] = field(default_factory=list)
    seen: dict[str, set] = field(default_factory=dict)
    firsts: dict[str, list] = field(default_factory=dict)

    def __post_init__(self):
        self.unique = [self.spec.key] + [c.name for c in self.spec.table.columns
                                         if c.unique and not c.primary_key]
        self.seen = {c: set() for c in self.unique}
        self.firsts = {c: [] for c in self.unique}

    def first_line(self, column: str, value) -> int:
        for values, lines in self.firsts[column]:
            hit = np.flatnonzero(values == value)
            if len(hit):
                return int(lines[hit[0]])
        return -1


def _override(series: pd.Series, keys: pd.Series, values: pd.Series) -> pd.Series:
    """`series` (indexed by id) with the values of `keys` set or replaced."""
    new = pd.Series(values.to_numpy(), index=keys.to_numpy(dtype="int64")).astype(series.dtype)
    if series.empty:
        return new
    kept = series[~series.index.isin(new.index)]
    return pd.concat([kept, new])


def _as_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def run_import(engine: Engine, directory: Path, report_path: Path, *,
               skip_invalid: bool = False, show_progress: bool = False) -> ImportResult:
    """Import the extract in `directory` in one transaction; see the module docstring.

    Raises ExtractError if the extract cannot be read, ExtractRefused if lines were
    rejected without skip_invalid (nothing written in either case).
    """
    expected_rows = check_extract(directory)
    rejected_path = rejected_path_for(report_path) if skip_invalid else None
    reporter = _Reporter(report_path, rejected_path)
    try:
        with engine.begin() as conn:
            job = _Import(conn, directory, reporter, show_progress, expected_rows)
            job.run()
            result = ImportResult(job.results, report_path, rejected_path)
            result.problems = reporter.problems
            if result.rejected_lines and not skip_invalid:
                raise ExtractRefused(result)
            job.merge()
            job.drop_staging()
            if result.changed:
                _record_import(conn, directory)
                readmodel.refresh(conn)
            result.written = True
    finally:
        reporter.close()
    if result.changed:
        load.refresh_statistics(engine)
    return result


def _record_import(conn: Connection, directory: Path) -> None:
    info = schema.dataset_info
    now = datetime.now().replace(microsecond=0)
    source = (f"{SYNTHETIC_SOURCE} (imported extract)" if manifest.is_synthetic(directory)
              else "case-system extract")
    values = {"source": source, "extract": directory.resolve().name,
              "imported_at": now.isoformat(), "data_version": new_data_version()}
    conn.execute(delete(info).where(info.c.key.in_(bindparam("keys", expanding=True))),
                 {"keys": list(values)})
    conn.execute(info.insert(), [{"key": k, "value": v, "updated_at": now}
                                 for k, v in values.items()])


__all__ = ["BY_NAME", "ExtractError", "ExtractRefused", "ImportResult", "check_extract",
           "run_import"]
