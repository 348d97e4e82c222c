"""Every reader, registered on import: the app factory, the bench and the tests import this
module; without it every measure is answered by its definition. Also `warm`, which reads
the pools held in memory ahead of the first request."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from queries.readmodel import (  # noqa: F401 - each registers its readers
    assistance_pool,
    attention,
    caseload,
    kpis,
    milestones,
    officer_pool,
    outcomes,
    outlier_pool,
    pair_pool,
    staff,
)


def warm(engine: Engine) -> float | None:
    """Read the arrays held in memory (outlier_pool.warm): seconds, or None."""
    return outlier_pool.warm(engine)
