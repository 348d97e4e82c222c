"""The seam between the measures and the read models that answer them faster.

A measure is a plain function over the case tables, marked `@measure`: its definition,
the reference the methodology text and the tests point at. A read model (month-end
stocks, monthly rollups, running totals, arrays held in memory) is data derived from the
case tables, rebuilt with them by one entry point (service.readmodel.refresh). A reader
answers one measure from one read model, with the measure's signature and its numbers:
tests/test_readmodel.py checks every registered reader against its definition.

Page code calls the measure and never knows who answered. Who does is decided here, in
`Measure.__call__`: each of the measure's readers in turn, while its read model is fresh
for the data loaded and not switched off, unless it raises CannotAnswer (arguments its
model does not hold: an officer, a day far from every stock day); else the definition.

Readers register themselves when queries.readmodel.readers is imported (the app factory,
the tests and the bench do); without them every measure is answered by its definition.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard.cache import dataset_info as dataset_info_brought
from dashboard.schema import dataset_info


class CannotAnswer(Exception):
    """The reader's model does not hold what these arguments ask: the definition answers."""


@dataclass(frozen=True)
class Reader:
    """A fast reader of one measure from one read model."""

    read: Callable
    model: str


MODELS: dict[str, Callable[[Connection], bool]] = {}
"""Read model name -> whether it belongs to the data loaded now."""

READERS: list[tuple[Measure, Reader]] = []
"""Every reader registered, with its measure (the equivalence tests' list)."""

DISABLED: set[str] = set()
"""Read models switched off in this process: the bench's --without, the tests."""


def stored_info(conn: Connection) -> dict[str, str]:
    """dataset_info as the database holds it."""
    return dict(conn.execute(select(dataset_info.c.key, dataset_info.c.value)).all())


class Loaded(NamedTuple):
    """The data loaded now, as its load recorded it in dataset_info."""

    version: str
    first: date
    until: date


def loaded(conn: Connection) -> Loaded | None:
    """Version and days of the data loaded now (None: no data version recorded, so no read
    model to build)."""
    info = stored_info(conn)
    days = days_of(info)
    if "data_version" not in info or days is None:
        return None
    return Loaded(info["data_version"], *days)


def days_of(info: dict[str, str]) -> tuple[date, date] | None:
    """The first and the last day of the data that dataset_info `info` describes (None:
    it gives no last day)."""
    if "data_until" not in info:
        return None
    return (date.fromisoformat(info.get("data_from", info["data_until"])),
            date.fromisoformat(info["data_until"]))


def page_info(conn: Connection) -> dict[str, str]:
    """dataset_info as a page reads it: what came with the signed-in user's row when it
    did (dashboard.cache.DATASET_KEYS), else from the database."""
    brought = dataset_info_brought()
    return brought if brought is not None else stored_info(conn)


def marked(conn: Connection, marker: str) -> bool:
    """The read model whose dataset_info key is `marker` was refreshed for the data loaded
    now (its refresh writes the data version under that key)."""
    info = page_info(conn)
    version = info.get("data_version")
    return version is not None and info.get(marker) == version


def enabled(name: str) -> bool:
    """Whether the read model `name` may be used in this process (not switched off)."""
    return name not in DISABLED


def model(name: str):
    """Register `fresh(conn) -> bool` as the freshness of the read model `name`."""
    def register(fresh: Callable[[Connection], bool]):
        MODELS[name] = fresh
        return fresh
    return register


class Measure:
    """A measure's definition, called through its readers (see the module's text)."""

    def __init__(self, definition: Callable) -> None:
        functools.update_wrapper(self, definition)
        self.definition = definition
        self.readers: list[Reader] = []

    def __call__(self, conn: Connection, *args, **kwargs):
        for reader in self.readers:
            if not enabled(reader.model) or not MODELS[reader.model](conn):
                continue
            try:
                return reader.read(conn, *args, **kwargs)
            except CannotAnswer:
                continue
        return self.definition(conn, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<measure {self.__module__}.{self.__qualname__}>"


def measure(definition: Callable) -> Measure:
    """Mark `definition` as a measure: its readers, if any, answer first."""
    return Measure(definition)


def measure_of(function) -> Measure:
    """The Measure inside `function` (a measure, or a wrapper of one such as a cached one)."""
    found = function
    while not isinstance(found, Measure):
        found = getattr(found, "__wrapped__", None)
        if found is None:
            raise TypeError(f"{function!r} is not a measure")
    return found


def reads(target: Measure, model: str):
    """Register the decorated function as a reader of `target` from the read model `model`
    (a name registered with `model`)."""
    target = measure_of(target)

    def register(read: Callable) -> Callable:
        reader = Reader(read, model)
        target.readers.append(reader)
        READERS.append((target, reader))
        return read
    return register
