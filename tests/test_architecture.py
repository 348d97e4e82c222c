"""The direction of the imports (docs/architecture.md): each room imports only the rooms
below it, no module imports itself back through others, the measures' definitions know
only the seam of the read models, and layouts never reach the database."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ["dashboard", "queries", "layouts", "callbacks", "service", "benchmarks"]
"""Bottom to top: a room may import its own modules and those of the rooms before it."""


def _modules() -> dict[str, set[str]]:
    """Module name -> the project modules it imports (anywhere in its body)."""
    found: dict[str, set[str]] = {}
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            name = name.removesuffix(".__init__")
            found[name] = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    targets = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                else:
                    continue
                found[name] |= {t for t in targets if t.split(".")[0] in ROOMS}
    return {name: {t for t in targets if t in found} for name, targets in found.items()}


def test_each_room_imports_only_the_rooms_below():
    rank = {room: i for i, room in enumerate(ROOMS)}
    upward = sorted((name, target) for name, targets in _modules().items()
                    for target in targets
                    if rank[target.split(".")[0]] > rank[name.split(".")[0]])
    assert upward == []


def test_no_module_imports_itself_back():
    graph = _modules()
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if target == node or (target.startswith(node + ".") and node in graph[target]):
                continue
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    # A package's __init__ naming its own submodules is not a cycle of modules.
    cycles = [c for c in cycles if not all(m.startswith(c[0]) or c[0].startswith(m)
                                           for m in c)]
    assert cycles == []


def test_the_definitions_know_only_the_seam():
    """queries/*.py may use `queries.readmodel` (the @measure mark), never a reader or a
    read model: those import the definitions, not the other way round."""
    reaching = sorted((name, target) for name, targets in _modules().items()
                      if name.startswith("queries.") and not name.startswith("queries.readmodel")
                      for target in targets if target.startswith("queries.readmodel."))
    assert reaching == []


def test_layouts_do_not_touch_the_database():
    graph = _modules()
    touching = sorted((name, target) for name, targets in graph.items()
                      if name.startswith("layouts") for target in targets
                      if target in ("dashboard.db", "queries.readmodel"))
    assert touching == []
    for path in (ROOT / "layouts").glob("*.py"):
        assert "sqlalchemy" not in path.read_text(encoding="utf-8"), path.name
