"""The README documents every setting the code reads and every deadline rule."""

import dataclasses
import re
from pathlib import Path

from dashboard.rules import DeadlineRules

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def variables_read_by_the_code() -> set[str]:
    pattern = re.compile(
        r'(?:environ\.get|getenv|_flag)\(\s*"([A-Z][A-Z0-9_]+)"|envvar="([A-Z_]+)"')
    names = set()
    for path in list((ROOT / "dashboard").rglob("*.py")) + [ROOT / "app.py"]:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


def test_every_environment_variable_is_documented():
    missing = {name for name in variables_read_by_the_code() if f"`{name}`" not in README}
    assert not missing


def test_every_rule_is_documented():
    for field in dataclasses.fields(DeadlineRules):
        assert f"`{field.name.upper()}`" in README, field.name
