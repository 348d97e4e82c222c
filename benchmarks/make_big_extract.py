"""Write a large extract (at least --milestones lines in milestones.csv) for load tests.

The rows come from the synthetic generator (dashboard/demo.py), loaded into a scratch
SQLite database and written out with `export-extract`'s code, so the files are exactly
what `probation-dashboard import` reads. Usage:

    python -m benchmarks.make_big_extract /tmp/big            # >= 1,000,000 milestones
    /usr/bin/time -v probation-dashboard import /tmp/big    # time and peak memory
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from dashboard import migrate
from dashboard.db import make_engine
from service import demo, load
from service.extract.exporter import write_extract

MILESTONES_PER_SCALE = 2_350_000  # milestones at scale 1 (measured: 1.06 M at 0.45)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--milestones", type=int, default=1_000_000,
                        help="least number of lines in milestones.csv (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    scale = min(100.0, args.milestones / MILESTONES_PER_SCALE * 1.06)
    started = time.perf_counter()
    while True:
        dataset = demo.generate(scale=scale, seed=args.seed)
        if len(dataset.tables["milestones"]) >= args.milestones:
            break
        scale *= 1.1
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/big.db")
        migrate.upgrade(engine)
        load.replace_all(engine, dataset)
        del dataset
        with engine.connect() as conn:
            counts = write_extract(conn, args.directory)
        engine.dispose()
    size = sum(f.stat().st_size for f in args.directory.glob("*.csv"))
    print(f"scale {scale:.3f}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"{size / 1e6:,.0f} MB in {args.directory} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
