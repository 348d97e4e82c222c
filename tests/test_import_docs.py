"""docs/data-format.md documents every file, column and code the import accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.extract.formats import FILES

DOC = (Path(__file__).parent.parent / "docs" / "data-format.md").read_text(encoding="utf-8")


def section(filename: str) -> str:
    match = re.search(rf"^### {re.escape(filename)}.*?(?=^### |^## )", DOC, re.M | re.S)
    assert match, f"{filename} has no section in docs/data-format.md"
    return match.group(0)


@pytest.mark.parametrize("spec", FILES, ids=[s.filename for s in FILES])
def test_every_column_and_code_is_documented(spec):
    text = section(spec.filename)
    for field in spec.fields:
        assert f"| `{field.name}` |" in text, f"{spec.filename}: {field.name} undocumented"
        for code in field.codes or ():
            assert f"`{code}`" in text, f"{spec.filename}: code {code} undocumented"
