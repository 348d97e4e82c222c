"""Catalog texts with plural forms: Russian numerals agree with the noun by CLDR rules
(Babel), Kazakh keeps the noun singular, English has one and other; the loader refuses a
plural text that lacks a category its language needs."""

import json

import numpy as np
import pytest

from dashboard import i18n
from dashboard.i18n import CatalogError, catalog, plural_category, t

RU_DAYS = {1: "1 рабочий день", 2: "2 рабочих дня", 5: "5 рабочих дней", 11: "11 рабочих дней",
           21: "21 рабочий день", 22: "22 рабочих дня", 25: "25 рабочих дней"}


@pytest.mark.parametrize("n, category", [(1, "one"), (2, "few"), (5, "many"), (11, "many"),
                                         (21, "one"), (22, "few"), (25, "many"),
                                         (111, "many"), (0, "many"), (1.5, "other")])
def test_russian_categories_follow_cldr(n, category):
    assert plural_category("ru", n) == category


def test_kazakh_and_english_have_one_and_other():
    assert [plural_category("kk", n) for n in (1, 2, 5, 21)] == ["one", "other", "other", "other"]
    assert [plural_category("en", n) for n in (1, 2, 21)] == ["one", "other", "other"]
    assert plural_category("ru", np.int64(22)) == "few"


@pytest.mark.parametrize("n", sorted(RU_DAYS))
def test_a_russian_rule_agrees_with_its_number(n):
    text = t("milestones.rule.pre_trial_report", "ru", count=n, n=n)
    assert text == f"Передать доклад в суд за {RU_DAYS[n]} до заседания"


@pytest.mark.parametrize("n, expected", [(1, "рабочего дня"), (2, "рабочих дней"),
                                         (5, "рабочих дней"), (11, "рабочих дней"),
                                         (21, "рабочего дня"), (22, "рабочих дней"),
                                         (25, "рабочих дней")])
def test_russian_genitive_after_v_techenie(n, expected):
    assert t("milestones.rule.registration", "ru", count=n, n=n) == (
        f"Поставить на учёт в течение {n} {expected} со дня явки")


@pytest.mark.parametrize("n", [1, 2, 5, 21])
def test_kazakh_noun_stays_singular_after_a_numeral(n):
    assert t("milestones.rule.registration", "kk", count=n, n=n) == (
        f"Келгеннен кейін {n} жұмыс күні ішінде есепке алу")


def test_english_one_and_other():
    assert t("milestones.rule.check_in", "en", count=1, n=1) == (
        "A supervisory check-in every 1 month")
    assert t("milestones.rule.check_in", "en", count=3, n=3) == (
        "A supervisory check-in every 3 months")
    assert t("staff.unweighted", "en", count=1, n="1").startswith("1 work item has no weight")


def test_months_in_russian():
    forms = [t("milestones.rule.program_review", "ru", count=n, n=n) for n in (1, 3, 6, 21)]
    assert [f.removeprefix("Пересматривать индивидуальную программу ") for f in forms] == [
        "каждый 1 месяц", "каждые 3 месяца", "каждые 6 месяцев", "каждый 21 месяц"]


def test_a_plural_text_needs_a_count_and_a_plain_one_does_not():
    with pytest.raises(TypeError):
        t("milestones.rule.registration", "ru", n=3)
    assert t("shell.filters.whole_region", "ru", region="Абай") == "Весь регион: Абай"
    assert t("shell.filters.whole_region", "ru", count=2, region="Абай") == "Весь регион: Абай"


def test_every_plural_text_has_its_languages_categories():
    plural = {k: v for k, v in catalog().items() if isinstance(v["ru"], dict)}
    assert len(plural) >= 10
    for key, texts in plural.items():
        assert set(texts["ru"]) == {"one", "few", "many", "other"}, key
        assert set(texts["kk"]) == set(texts["en"]) == {"one", "other"}, key
        assert texts["kk"]["one"] == texts["kk"]["other"], key  # the noun stays singular


def load(tmp_path, monkeypatch, entries):
    (tmp_path / "x.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(i18n, "CATALOGS", tmp_path)
    i18n.catalog.cache_clear()
    try:
        return i18n.catalog()
    finally:
        i18n.catalog.cache_clear()


def test_the_loader_refuses_a_missing_or_foreign_category(tmp_path, monkeypatch):
    good = {"one": "{n} день", "few": "{n} дня", "many": "{n} дней", "other": "{n} дня"}
    en = {"one": "{n} day", "other": "{n} days"}
    kk = {"one": "{n} күн", "other": "{n} күн"}
    assert load(tmp_path, monkeypatch, {"k": {"kk": kk, "ru": good, "en": en}})
    lacking = {k: v for k, v in good.items() if k != "few"}
    with pytest.raises(CatalogError, match="missing few"):
        load(tmp_path, monkeypatch, {"k": {"kk": kk, "ru": lacking, "en": en}})
    with pytest.raises(CatalogError, match="not in en: few"):
        load(tmp_path, monkeypatch, {"k": {"kk": kk, "ru": good, "en": {**en, "few": "x"}}})
    with pytest.raises(CatalogError, match="plural forms in ru only"):
        load(tmp_path, monkeypatch, {"k": {"kk": "{n} күн", "ru": good, "en": "{n} days"}})
