"""Translations. Every string on screen comes from a catalog: kk (the state language and
the default), ru and en.

Catalogs are JSON files in dashboard/catalogs/, one per area of the app (auth.json,
shell.json, ...), each mapping a key to {"kk": ..., "ru": ..., "en": ...}. A key may
appear in one file only.

A text that counts something may be a dict of CLDR plural categories instead of a string,
e.g. "ru": {"one": "{n} рабочий день", "few": "{n} рабочих дня", "many": "{n} рабочих
дней", "other": "{n} рабочего дня"}; `t(key, lang, count=n, ...)` picks the form by the
language's plural rules (Babel). Such a dict must hold every category the language has
("one" and "other" in kk and en; "one", "few", "many" and "other" in ru). Kazakh keeps the
noun singular after a numeral, so its two forms read the same.
"""

from __future__ import annotations

import json
import numbers
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"
CATALOGS = Path(__file__).parent / "catalogs"


class CatalogError(ValueError):
    pass


Text = str | dict[str, str]
"""A catalog text: a string, or its forms by CLDR plural category."""


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_categories(lang: str) -> frozenset[str]:
    """The plural categories `lang` needs ("other" always among them)."""
    return frozenset(_locale(lang).plural_form.tags) | {"other"}


def plural_category(lang: str, count) -> str:
    """The CLDR plural category of `count` in `lang` ("one", "few", "many", "other")."""
    if isinstance(count, numbers.Integral):
        count = int(count)  # numpy's integers too
    elif isinstance(count, numbers.Real):
        count = float(count)
    return _locale(lang).plural_form(count)


def forms(text: Text) -> tuple[str, ...]:
    """Every form of a catalog text: the string itself, or each plural form."""
    return tuple(text.values()) if isinstance(text, dict) else (text,)


def _check_plural(name: str, key: str, lang: str, text: Text) -> None:
    if not isinstance(text, dict):
        if not isinstance(text, str):
            raise CatalogError(f"{name}: key {key!r} [{lang}] is neither text nor plural forms")
        return
    needed = plural_categories(lang)
    missing = sorted(needed - set(text))
    extra = sorted(set(text) - needed)
    if missing or extra or not all(isinstance(v, str) and v for v in text.values()):
        raise CatalogError(
            f"{name}: key {key!r} [{lang}] plural forms must be exactly {sorted(needed)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; not in {lang}: {', '.join(extra)}" if extra else ""))


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, Text]]:
    merged: dict[str, dict[str, Text]] = {}
    for path in sorted(CATALOGS.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key, texts in entries.items():
            if key in merged:
                raise CatalogError(f"{path.name}: key {key!r} already defined elsewhere")
            missing = [lang for lang in LANGUAGES if not texts.get(lang)]
            if missing:
                raise CatalogError(f"{path.name}: key {key!r} lacks {', '.join(missing)}")
            plural = [lang for lang in LANGUAGES if isinstance(texts[lang], dict)]
            if plural and len(plural) != len(LANGUAGES):
                raise CatalogError(f"{path.name}: key {key!r} has plural forms in "
                                   f"{', '.join(plural)} only")
            for lang in LANGUAGES:
                _check_plural(path.name, key, lang, texts[lang])
            merged[key] = texts
    return merged


def language(value: str | None) -> str:
    """A supported language code; anything else falls back to the default."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, count=None, **values) -> str:
    """The text of `key` in `lang`, with {placeholders} filled from `values`.

    A text with plural forms needs `count` (the number the noun agrees with; it is not
    shown unless a value shows it): the form is chosen by `lang`'s CLDR plural rules."""
    texts = catalog().get(key)
    if texts is None:
        raise KeyError(f"no catalog entry {key!r}")
    lang = language(lang)
    text = texts[lang]
    if isinstance(text, dict):
        if count is None:
            raise TypeError(f"catalog entry {key!r} has plural forms: pass count=")
        text = text[plural_category(lang, count)]
    return text.format(**values) if values else text


def name_column(lang: str | None) -> str:
    """The column holding a region's or unit's name in `lang` (name_kk, name_ru, name_en)."""
    return f"name_{language(lang)}"
