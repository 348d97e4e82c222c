"""Test helpers for the seam between measures and read models (queries/readmodel/)."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager

from queries import readmodel
from queries.readmodel import readers  # noqa: F401 - registers the readers


@contextmanager
def definitions_only(*models: str):
    """Switch the read models `models` (default: all) off: their measures' definitions
    answer."""
    saved = set(readmodel.DISABLED)
    readmodel.DISABLED.update(models or readmodel.MODELS)
    try:
        yield
    finally:
        readmodel.DISABLED.clear()
        readmodel.DISABLED.update(saved)


@contextmanager
def answered():
    """Records the read model of every reader that answered a call inside the block."""
    models: list[str] = []
    saved = []
    for measure, reader in readmodel.READERS:
        def spy(*args, _reader=reader, **kwargs):
            result = _reader.read(*args, **kwargs)
            models.append(_reader.model)
            return result
        i = measure.readers.index(reader)
        saved.append((measure, i, reader))
        measure.readers[i] = dataclasses.replace(reader, read=spy)
    try:
        yield models
    finally:
        for measure, i, reader in saved:
            measure.readers[i] = reader


def both(call, *models: str):
    """(call() as the pages get it, call() from the definitions alone), asserting that a
    reader of `models` (default: any) answered the first."""
    with answered() as used:
        fast = call()
    assert used and (not models or set(used) & set(models)), used
    with definitions_only():
        plain = call()
    return fast, plain
