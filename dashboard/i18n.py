"""Translations. Every string on screen comes from a catalog: kk (the state language and
the default), ru and en.

Catalogs are JSON files in dashboard/catalogs/, one per area of the app (auth.json,
shell.json, ...), each mapping a key to {"kk": ..., "ru": ..., "en": ...}. A key may
appear in one file only.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"
CATALOGS = Path(__file__).parent / "catalogs"


class CatalogError(ValueError):
    pass


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGS.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key, texts in entries.items():
            if key in merged:
                raise CatalogError(f"{path.name}: key {key!r} already defined elsewhere")
            missing = [lang for lang in LANGUAGES if not texts.get(lang)]
            if missing:
                raise CatalogError(f"{path.name}: key {key!r} lacks {', '.join(missing)}")
            merged[key] = texts
    return merged


def language(value: str | None) -> str:
    """A supported language code; anything else falls back to the default."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **values) -> str:
    """The text of `key` in `lang`, with {placeholders} filled from `values`."""
    texts = catalog().get(key)
    if texts is None:
        raise KeyError(f"no catalog entry {key!r}")
    text = texts[language(lang)]
    return text.format(**values) if values else text


def name_column(lang: str | None) -> str:
    """The column holding a region's or unit's name in `lang` (name_kk, name_ru, name_en)."""
    return f"name_{language(lang)}"
