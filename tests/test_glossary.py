"""docs/glossary.md applied to every catalog string: no avoided variant, no two navigation
labels alike, no abbreviation left unexplained (how the file is read: its opening lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard import rules as R
from dashboard.i18n import LANGUAGES, catalog, forms
from layouts.shell import SECTIONS

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"
# Abbreviations a reader of any of the three languages knows without help.
KNOWN_ABBREVIATIONS = {"CSV", "XLSX", "HTML", "UTC", "PNG"}
ABBREVIATION = re.compile(r"(?<![\w-])([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{2,})(?!\w)")  # not "No. 38-VI"


@dataclass(frozen=True)
class Avoid:
    lang: str
    word: str  # lower case; a trailing * takes any ending
    anywhere: bool


@dataclass(frozen=True)
class Row:
    thing: str
    terms: dict[str, str]  # lang -> the glossary's own word
    english: tuple[str, ...]  # the English term(s) that select the catalog entries
    avoid: tuple[Avoid, ...]


def parse_glossary(text: str) -> list[Row]:
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 5 or cells[0] in ("thing", "---"):
            continue
        thing, kk, ru, en, avoid_cell = cells
        avoid = []
        for part in avoid_cell.split(";"):
            lang, _, words = part.strip().partition(" ")
            if lang not in ("kk", "ru"):
                continue  # a rule the other tests here check (abbreviations, labels)
            for word in words.split(","):
                anywhere = "(anywhere)" in word
                word = re.sub(r"\(.*?\)", "", word).strip().lower()
                if word:
                    avoid.append(Avoid(lang, word, anywhere))
        english = tuple(w.strip().lower() for w in re.split(r"[/,]", en) if w.strip())
        rows.append(Row(thing, {"kk": kk, "ru": ru, "en": en}, english, tuple(avoid)))
    return rows


ROWS = parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


def names(english: str, term: str) -> bool:
    """Whether an English text names a glossary term (its word or a longer form of it)."""
    return re.search(r"(?<![\w-])" + re.escape(term), english, re.IGNORECASE) is not None


def found(word: str, text: str) -> bool:
    stem = word.rstrip("*")
    ending = r"\w*" if word.endswith("*") else r"(?!\w)"
    return re.search(r"(?<![\w-])" + re.escape(stem) + ending, text, re.IGNORECASE) is not None


def excused(word: str, english: str) -> bool:
    """A bare avoided word that is another row's own term, where the English names that
    row's thing too (кезең in a string about a period, мерзім in one about a due date)."""
    for row in ROWS:
        own = {row.terms["kk"].lower(), row.terms["ru"].lower()}
        if word in own and names(english, row.english[0].split()[0]):
            return True
    return False


def texts_of(entry: dict, lang: str) -> list[str]:
    return list(forms(entry[lang]))


def test_the_glossary_is_read():
    things = {row.english[0] for row in ROWS}
    assert len(ROWS) >= 19 and {"milestone", "region", "period", "risk tier"} <= things
    milestone = next(row for row in ROWS if row.english == ("milestone",))
    assert Avoid("ru", "этап*", False) in milestone.avoid
    assert Avoid("kk", "аймақ*", True) in next(r for r in ROWS if r.english == ("region",)).avoid


def test_the_matcher_sees_whole_words_and_endings():
    assert found("этап*", "Просроченные этапы") and not found("этап*", "поэтапно")
    assert found("кезең", "Кезең түрі") and not found("кезең", "кезеңде")
    assert found("аймақ*", "аймақтар") and not found("толтырыл*", "толтыру")
    assert excused("кезең", "Overdue milestones at the period's end")
    assert not excused("кезең", "By milestone kind")


def test_no_catalog_string_uses_a_variant_the_glossary_avoids():
    wrong = []
    for key, entry in catalog().items():
        english = " ".join(texts_of(entry, "en"))
        for row in ROWS:
            for avoid in row.avoid:
                if not (avoid.anywhere or any(names(english, term) for term in row.english)):
                    continue
                if excused(avoid.word, english):
                    continue
                for text in texts_of(entry, avoid.lang):
                    if found(avoid.word, text):
                        wrong.append(f"{key} [{avoid.lang}] {avoid.word!r} ({row.english[0]}): "
                                     f"{text}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_navigation_labels_and_page_titles_differ(lang):
    pages = [f"shell.page.{name}" if f"shell.page.{name}" in catalog()
             else f"{name}.page.{name}" for name, _ in SECTIONS]
    for group in ([f"shell.nav.{name}" for name, _ in SECTIONS], pages):
        labels = [catalog()[key][lang].casefold() for key in group]
        alike = {label for label in labels if labels.count(label) > 1}
        assert not alike, f"{lang}: {alike}"


def test_overview_and_review_read_as_the_glossary_says():
    for key in ("shell.nav.overview", "shell.page.overview"):
        assert catalog()[key]["kk"] == "Жалпы көрініс" and catalog()[key]["ru"] == "Сводка"
    assert catalog()["shell.page.review"]["kk"] == "Басшылыққа баяндама"
    assert catalog()["shell.page.review"]["ru"] == "Доклад руководству"


def unexplained(text: str) -> list[str]:
    """Abbreviations whose first use is not in brackets right after their spelled-out form."""
    first: dict[str, int] = {}
    for match in ABBREVIATION.finditer(text):
        first.setdefault(match.group(1), match.start())
    return [abbr for abbr, at in first.items() if abbr not in KNOWN_ABBREVIATIONS
            and not (text[at - 1:at] == "(" and text[at + len(abbr):at + len(abbr) + 1] == ")"
                     and at > 2)]


def test_unexplained_finds_a_bare_abbreviation():
    assert unexplained("Передано из УИС") == ["УИС"]
    assert unexplained("из уголовно-исполнительной системы (УИС), затем УИС") == []
    assert unexplained("Download CSV") == []


def test_every_abbreviation_is_spelled_out_at_its_first_use():
    wrong = [f"{key} [{lang}] {abbrs}: {text}"
             for key, entry in catalog().items() for lang in LANGUAGES
             for text in texts_of(entry, lang) if (abbrs := unexplained(text))]
    assert not wrong, "\n".join(wrong)


# What a rule's source must say: the act and its article, or that the figure is assumed.
ARTICLE = {"kk": r"\d+-бап", "ru": r"статья \d+", "en": r"art\. \d+"}
ASSUMED = {"kk": "болжам", "ru": "допущение", "en": "assumption"}
CAN_BE_SET = {"kk": "баптау", "ru": "настройк", "en": "can be set"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_deadline_rule_says_where_it_comes_from(lang):
    for kind in R.RULE_OF_KIND:
        source = catalog()[f"milestones.source.{kind}"][lang]
        assert re.search(ARTICLE[lang], source) or ASSUMED[lang] in source, (kind, source)
        assert CAN_BE_SET[lang] in source, (kind, source)
