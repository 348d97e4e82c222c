"""The database written out in the extract format, and a checksum of every data table.

The checksum of a table is the SHA-256 of its rows written as extract lines (ordered by
key, without the header), so two databases with the same checksums hold the same rows
whatever the backend, and a table's checksum equals that of its exported file's body.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from queries.common import synthetic_data
from service.extract.formats import FILES, FileSpec
from service.extract.manifest import MANIFEST, write_manifest

BATCH = 10_000


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _lines(conn: Connection, spec: FileSpec, counted: list[int] | None = None
           ) -> Iterator[str]:
    """The table's rows as CSV lines (with newline), ordered by key, streamed (their
    number added to counted[0] if given)."""
    table = spec.table
    query = select(*[table.c[name] for name in spec.columns]).order_by(table.c[spec.key])
    result = conn.execution_options(yield_per=BATCH).execute(query)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for rows in result.partitions():
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[_as_text(v) for v in row] for row in rows])
        if counted is not None:
            counted[0] += len(rows)
        yield buffer.getvalue()


def write_extract(conn: Connection, directory: Path) -> dict[str, int]:
    """Write every data table to `directory` as an extract, and its manifest.json (rows
    and SHA-256 of each file, which `import` requires); returns rows per file."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).unlink(missing_ok=True)  # no stale proof while files change
    counts = {}
    for spec in FILES:
        counted = [0]
        with open(directory / spec.filename, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(spec.columns) + "\n")
            for block in _lines(conn, spec, counted):
                fh.write(block)
        counts[spec.filename] = counted[0]
    write_manifest(directory, counts, synthetic=synthetic_data(conn))
    return counts


def _count_rows(conn: Connection, spec: FileSpec) -> int:
    return conn.execute(select(func.count()).select_from(spec.table)).scalar_one()


def table_checksums(conn: Connection) -> dict[str, tuple[int, str]]:
    """(rows, SHA-256 of the rows as extract lines) for every data table."""
    out = {}
    for spec in FILES:
        digest = hashlib.sha256()
        for block in _lines(conn, spec):
            digest.update(block.encode("utf-8"))
        out[spec.name] = (_count_rows(conn, spec), digest.hexdigest())
    return out
