"""Time the table importer on 30,000 generated rows (median of repeats).

    .venv/bin/python benchmarks/bench_import_table.py [ROWS] [REPEATS]

The rows look like TwinTowns_clean.csv: a German municipality, a partner with a country name in
German or English, a one-letter term and a year; one row in twenty states a pair again and one
in a hundred has a country no library knows, so
merging and refusing are timed too. The first run also loads the country-name tables, so it is
reported apart.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sistercity.importers import import_table

MAPPING = """
[columns]
a.name = "municipality"
a.country = { value = "DE" }
b.name = "partner"
b.country = "land"
term = "form"
signed = "seit"
source = { value = "https://example.org/bench" }

[terms]
p = "twinning"
f = "friendship"
k = "cooperation"
"""
COUNTRIES = ["Frankreich", "Polen", "Italy", "Rußland", "Südkorea", "United States", "Spanien",
             "Großbritannien", "Tschechien", "Ungarn", "Japan", "Türkei", "Atlantis"]  # fmt: skip


def generate(path: Path, rows: int) -> None:
    """Write ``rows`` deterministic rows to ``path``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["municipality", "partner", "land", "form", "seit"])
        for n in range(rows):
            m = n - 7 if n % 20 == 19 else n  # a pair stated again
            country = COUNTRIES[12] if m % 100 == 50 else COUNTRIES[m % 12]
            writer.writerow([f"Stadt {m}", f"Partner {m}", country, "pkf"[m % 3], 1950 + m % 70])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as folder:
        table, mapping = Path(folder) / "rows.csv", Path(folder) / "map.toml"
        generate(table, rows)
        mapping.write_text(MAPPING, encoding="utf-8")
        start = time.perf_counter()
        result = import_table(table, mapping)
        first = time.perf_counter() - start
        times, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            import_table(table, mapping)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    median = statistics.median(times)
    print(f"rows: {result.read}, records: {len(result.agreements)}, merged: {result.merged}, "
          f"refused: {dict(result.refused)}")  # fmt: skip
    print(f"first run (loads country names): {first:.2f} s")
    print(f"median of {repeats}: {median:.2f} s ({result.read / median:,.0f} rows/s); CPU time "
          f"{statistics.median(cpu):.2f} s (wall time is longer on a busy machine)")  # fmt: skip


if __name__ == "__main__":
    main()
