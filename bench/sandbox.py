"""Benchmark: the examples' sandbox — fixed start-up, time per example, total, projection for 300.

Run with `make bench`. Starts the sandbox as the tests do (network namespace,
moto, PostgreSQL, Prefect API server), runs every verified example several
times, and prints a table.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.load import load_mappings  # noqa: E402
from tests.project import MAPPINGS  # noqa: E402
from tests.sandbox.client import Sandbox  # noqa: E402
from tests.sandbox.services import PREFECT_DATABASE_CACHE  # noqa: E402
from tests.test_examples import example_job  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def start(environment: dict[str, str]) -> tuple[Sandbox, float]:
    began = time.perf_counter()
    sandbox = Sandbox(environment)
    return sandbox, time.perf_counter() - began


def main() -> None:
    mappings = [mapping for mapping in load_mappings(MAPPINGS)[0] if mapping.verification]
    environment = dict(os.environ)
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {len(mappings)} examples, {ROUNDS} rounds")

    saved_cache = Path(tempfile.mkdtemp())
    if PREFECT_DATABASE_CACHE.exists():
        shutil.move(str(PREFECT_DATABASE_CACHE), saved_cache / "cache")
    sandbox, first_start = start(environment)  # migrates and caches the Prefect database
    sandbox.close()
    if (saved_cache / "cache").exists():
        shutil.rmtree(PREFECT_DATABASE_CACHE)
        shutil.move(str(saved_cache / "cache"), PREFECT_DATABASE_CACHE)

    starts, per_example = [], []
    for _ in range(ROUNDS):
        sandbox, seconds = start(environment)
        starts.append(seconds)
        try:
            for mapping in mappings:
                began = time.perf_counter()
                result = sandbox.run(example_job(mapping), module=f"example_{mapping.slug}")
                per_example.append(time.perf_counter() - began)
                assert result["ok"], f"{mapping.operator}: {result.get('error')}"
        finally:
            sandbox.close()

    start_up = statistics.median(starts)
    median = statistics.median(per_example)
    print("| measure | seconds |")
    print("| --- | ---: |")
    print(f"| first start-up ever (migrates Prefect's database, then cached) | {first_start:.1f} |")
    print(f"| sandbox start-up (median of {ROUNDS}) | {start_up:.1f} |")
    print(f"| one example, median (of {len(per_example)} runs) | {median:.2f} |")
    print(f"| one example, slowest | {max(per_example):.2f} |")
    print(f"| all {len(mappings)} examples, with start-up | {start_up + sum(per_example) / ROUNDS:.1f} |")
    print(f"| projection for 300 examples (start-up + 300 × median) | {start_up + 300 * median:.0f} |")


if __name__ == "__main__":
    main()
