"""manifest.json: the proof that an extract arrived whole.

`export-extract` writes it beside the files; `import` refuses an extract without it, or
whose files do not match it (before anything is read into the database), and checks the
row counts again while reading. A file cut off at a line boundary is still valid CSV:
only its SHA-256 and row count tell.

    {"format": 1,
     "files": {"regions.csv": {"rows": 20, "sha256": "<hex of the file's bytes>"}, ...},
     "synthetic": "<what is invented>"}

`synthetic` is there only when the data are the demo generator's (export-extract of a
generated database); an import of such an extract keeps the data marked as synthetic.

`rows` counts the records after the header (blank lines are not records). A case system
that produces extracts writes the same file (docs/data-format.md).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from service.extract.formats import FILES

MANIFEST = "manifest.json"
FORMAT = 1
_BLOCK = 1 << 20


class ManifestError(Exception):
    """No manifest, or files that do not match it."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def count_rows(path: Path) -> int:
    """Records after the header, as the import counts them (blank lines are not)."""
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        try:
            next(reader)
        except StopIteration:
            return 0
        rows = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return rows
            except csv.Error:
                rows += 1
                continue
            if record:
                rows += 1


SYNTHETIC_NOTE = ("synthetic demo data: nothing here is a real person or case; in particular "
                  "the inter-region transfers (cases closed as transferred, and the cases "
                  "whose previous_case_id continues them) are invented by the generator")


def write_manifest(directory: Path, rows: dict[str, int] | None = None,
                   synthetic: bool = False) -> Path:
    """manifest.json for the extract files in `directory` (`rows` per file name when the
    writer counted them, else counted here; `synthetic`: the demo generator's data)."""
    files = {}
    for spec in FILES:
        path = directory / spec.filename
        if not path.is_file():
            continue
        counted = (rows or {}).get(spec.filename)
        files[spec.filename] = {"rows": count_rows(path) if counted is None else counted,
                                "sha256": sha256_of(path)}
    target = directory / MANIFEST
    manifest = {"format": FORMAT, "files": files} | (
        {"synthetic": SYNTHETIC_NOTE} if synthetic else {})
    target.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def read_manifest(directory: Path) -> dict[str, dict]:
    """File name -> {"rows", "sha256"}; ManifestError if missing or not a manifest."""
    path = directory / MANIFEST
    if not path.is_file():
        raise ManifestError(f"extract {directory} has no {MANIFEST} (row counts and "
                            "SHA-256 of each file, written by export-extract): refused")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("format") != FORMAT or not isinstance(files, dict):
            raise ValueError("unknown format")
        for entry in files.values():
            if not (isinstance(entry.get("rows"), int) and entry["rows"] >= 0
                    and isinstance(entry.get("sha256"), str)):
                raise ValueError("bad entry")
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not a manifest ({exc})") from None
    return files


def is_synthetic(directory: Path) -> bool:
    """Whether the extract's manifest marks its data as the demo generator's."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and bool(data.get("synthetic"))


def verify(directory: Path) -> dict[str, int]:
    """Rows per file if every file matches the manifest; else ManifestError naming it."""
    files = read_manifest(directory)
    rows = {}
    for spec in FILES:
        entry = files.get(spec.filename)
        if entry is None:
            raise ManifestError(f"{MANIFEST} does not list {spec.filename}: refused")
        if sha256_of(directory / spec.filename) != entry["sha256"].lower():
            raise ManifestError(
                f"{spec.filename}: SHA-256 differs from {MANIFEST} (cut off or changed "
                "after export?): refused")
        rows[spec.filename] = entry["rows"]
    return rows

