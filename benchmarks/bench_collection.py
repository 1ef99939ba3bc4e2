"""Benchmark: the collection rules on the inputs that made them quadratic (issue 9).

For each kind of input and each size it writes a JSON Lines file, runs
``python -m sistercity validate --format json --today 2026-01-01 FILE`` as a subprocess and
prints the wall time, the time per record, the child's peak RSS (``ru_maxrss`` from
``wait4``) and the number of issues in the JSON report. SPEC §5 asks for n log n: the time
per record stays flat from the smaller size to the larger one.

    .venv/bin/python benchmarks/bench_collection.py                    # 5k and 40k
    .venv/bin/python benchmarks/bench_collection.py --sizes 5k,40k,200k --kinds supchain
    PYTHONPATH=/path/to/other/src .venv/bin/python benchmarks/bench_collection.py   # compare

The subprocess imports ``sistercity`` from ``PYTHONPATH`` (or the installed package), so the
same script measures any checkout. Each run is stopped after ``--timeout`` seconds or when it
asks for more than ``--memory-limit`` MiB of address space, and reported as stopped.

The kinds, built as ``33-collection-stress.py`` builds them, every record signed in 1962:

- ``samepair``: every record joins the same two places (one duplicate-agreement group);
- ``supchain``: the same, each record superseding the one before (no duplicate);
- ``hub``: one place (Q1) with a different partner in every record;
- ``conflict``: the hub's Wikidata id with four countries in turn (one conflicting-city);
- ``supstar``: the same places, every record after the first superseding the first;
- ``supcomb``: the same places, a chain of even records, each odd record superseding the even
  one before it: a tree with n/2 branch points, the one shape whose cost grows faster than
  n log n (see ``sistercity._collection``).

``supstar`` and ``supcomb`` run only when named in ``--kinds``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

KINDS = ("samepair", "supchain", "hub", "conflict")
EXTRA_KINDS = ("supstar", "supcomb")


def record(kind: str, i: int) -> dict[str, Any]:
    """Record ``i`` of the input ``kind``."""
    a: dict[str, Any] = {"name": "A", "country": "DE"}
    b: dict[str, Any] = {"name": "B", "country": "FR"}
    if kind == "hub":
        a = {"name": "Hub", "country": "DE", "wikidata": "Q1"}
        b = {"name": f"B{i}", "country": "FR"}
    if kind == "conflict":
        a = {"name": "Hub", "country": ("FR", "ES", "IT", "PL")[i % 4], "wikidata": "Q1"}
        b = {"name": f"B{i}", "country": "GB"}
    out: dict[str, Any] = {
        "id": f"r{i}",
        "kind": "twinning",
        "parties": [a, b],
        "events": [{"type": "signed", "date": "1962"}],
        "sources": ["s"],
    }
    if kind == "supchain" and i:
        out["supersedes"] = f"r{i - 1}"
    if kind == "supstar" and i:
        out["supersedes"] = "r0"
    if kind == "supcomb" and i:
        out["supersedes"] = f"r{i - 2 if i % 2 == 0 else i - 1}"
    return out


def write(kind: str, n: int, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps(record(kind, i)) + "\n")


def run(path: Path, timeout: float, memory_mib: int) -> dict[str, Any]:
    """One ``validate`` run: wall seconds, peak RSS in MiB, issue count or why it stopped."""

    def limit() -> None:  # in the child, before exec
        size = memory_mib * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    command = [sys.executable, "-m", "sistercity", "validate", "--format", "json"]
    command += ["--today", "2026-01-01", str(path)]
    with tempfile.TemporaryFile() as report:
        began = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=report, stderr=subprocess.DEVNULL, preexec_fn=limit
        )
        stopped = None
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - began > timeout:
                child.send_signal(signal.SIGKILL)
                stopped = f"killed after {timeout:.0f} s"
            time.sleep(0.02)
        wall = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        result: dict[str, Any] = {"wall": wall, "rss": usage.ru_maxrss / 1024}
        if stopped is None:
            report.seek(0)
            try:
                result["issues"] = len(json.load(report)["issues"])
            except ValueError:  # no report: out of memory, most likely
                stopped = f"exit {child.returncode}, no report"
        result["stopped"] = stopped
        return result


def size(text: str) -> int:
    text = text.strip().lower()
    factor = 1000 if text.endswith("k") else 1
    return int(text.rstrip("k")) * factor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5k,40k", help="comma-separated (default 5k,40k)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds (default 120)")
    parser.add_argument("--memory-limit", type=int, default=3072, help="MiB (default 3072)")
    args = parser.parse_args()
    sizes = [size(s) for s in args.sizes.split(",")]
    kinds = args.kinds.split(",")
    for kind in kinds:
        if kind not in KINDS + EXTRA_KINDS:
            parser.error(f"unknown kind {kind!r}; choose from {', '.join(KINDS + EXTRA_KINDS)}")
    where = os.environ.get("PYTHONPATH") or "installed sistercity"
    print(f"sistercity from {where}")
    print(f"{'kind':<10} {'records':>8} {'wall s':>8} {'µs/rec':>8} {'RSS MiB':>8} {'issues':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            for n in sizes:
                path = Path(tmp) / f"{kind}-{n}.jsonl"
                write(kind, n, path)
                r = run(path, args.timeout, args.memory_limit)
                issues = r["stopped"] or f"{r['issues']:>8,}"
                print(
                    f"{kind:<10} {n:>8,} {r['wall']:>8.2f} {r['wall'] / n * 1e6:>8.1f} "
                    f"{r['rss']:>8.1f} {issues:>8}",
                    flush=True,
                )
                path.unlink()


if __name__ == "__main__":
    main()
