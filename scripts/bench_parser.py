#!/usr/bin/env python
"""Benchmark tasks.parsing: the five seeds in total, and one 1 MB text document.

Targets: all five seeds < 0.2 s in total; 1 MB of text < 2 s.
Usage: .venv/bin/python scripts/bench_parser.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tasks.parsing import parse_document  # noqa: E402

SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))


def _time(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return min(runs), sum(runs) / len(runs)


def main() -> int:
    seeds = [(p.name, p.read_bytes()) for p in SEEDS]
    parse_document(seeds[0][1], seeds[0][0])  # warm-up: regex compilation, converter tables

    def all_seeds() -> None:
        for name, data in seeds:
            parse_document(data, name)

    best, mean = _time(all_seeds, 10)
    print(
        f"five seeds ({sum(len(d) for _, d in seeds) / 1024:.0f} KiB): best {best:.3f} s, mean {mean:.3f} s (target < 0.2 s)"
    )

    # 1 MB: the seed bodies repeated as one long document (many sections and items).
    body = "\n\n".join(d.decode("utf-8") for _, d in seeds)
    big = (body * (1024 * 1024 // len(body.encode("utf-8")) + 1)).encode("utf-8")[: 1024 * 1024]
    big = big.decode("utf-8", errors="ignore").encode("utf-8")
    holder: dict = {}

    def one_mb() -> None:
        holder["doc"] = parse_document(big, "big.txt")

    best, mean = _time(one_mb, 3)
    print(
        f"1 MB text ({len(big) / 1024 / 1024:.2f} MiB, {len(holder['doc'].tasks)} tasks): "
        f"best {best:.3f} s, mean {mean:.3f} s (target < 2 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
