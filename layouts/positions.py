"""Where a unit is drawn on its region's unit map (figures.unit_map): its town or district
centre, from layouts/data/unit-positions.csv (built once by scripts/unit_positions.py from
GeoNames, CC BY 4.0, and service/data/unit-centres-extra.csv). A unit is found by its
region and its name in any of the three languages; a unit the file does not know (a
real register's unit not in the demo's list) has no position and is left off the map."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

POSITIONS_PATH = Path(__file__).resolve().parent / "data" / "unit-positions.csv"


@lru_cache(maxsize=1)
def _positions() -> dict[tuple[str, str], tuple[float, float]]:
    """(region code, casefolded name in kk, ru or en) -> (lon, lat)."""
    with open(POSITIONS_PATH, encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {(row["region_code"], row[column].strip().casefold()):
                (float(row["lon"]), float(row["lat"]))
                for row in rows for column in ("name_kk", "name_ru", "name_en")}


def position(region_code: str, *names: str) -> tuple[float, float] | None:
    """The unit's (lon, lat) by the first of its `names` (in any language) the file
    knows, or None when it knows none of them."""
    table = _positions()
    for name in names:
        found = table.get((region_code, str(name).strip().casefold()))
        if found is not None:
            return found
    return None
