"""Benchmark: ``sistercity diff`` of two large files against ``validate`` of one (issue 13).

Run from the repository root::

    .venv/bin/python benchmarks/bench_diff.py                 # 100,000 records, 3 runs
    .venv/bin/python benchmarks/bench_diff.py --records 20000 --runs 5

The budget (SPEC §8, issue 13): a ``diff`` of two 100,000-record files costs at most twice a
``validate`` of one of them. The old file is the realistic records of ``bench_validate.py``
(6 % of them broken); the new file is the old one with 1 % of the records removed, 3 % changed
(a note, or one more event) and 1 % added. The programs run as subprocesses, interleaved, and
the report gives the median wall and CPU seconds of each and the ratio of the medians. It
also times ``stats`` and ``export .csv`` on files of n/4, n/2 and n records: linear means the
time per record stays level.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_validate import TODAY, child_env, records  # noqa: E402


def write_versions(old: Path, new: Path, n: int) -> None:
    """Write the old list and a new version of it, streaming."""
    with old.open("w", encoding="utf-8") as a, new.open("w", encoding="utf-8") as b:
        for index, record in enumerate(records(n)):
            a.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            if index % 100 == 7:
                continue  # removed
            if index % 100 in (11, 43):
                record = dict(record, notes="Checked against the council's minutes.")
            elif index % 100 == 71 and isinstance(record.get("events"), list):
                record = dict(record, events=[*record["events"], {"type": "renewed"}])
            b.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            if index % 100 == 13:
                added = dict(record, id=f"new-{index:07d}")
                b.write(json.dumps(added, ensure_ascii=False, separators=(",", ":")) + "\n")


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child; its output goes to the null device."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        child = subprocess.Popen(command, stdout=null, stderr=null, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited with status {code}")
    return wall, usage.ru_utime + usage.ru_stime


def median_runs(programs: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Each program ``runs`` times, interleaved; the median wall and CPU seconds of each."""
    env = child_env()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in programs}
    names = list(programs)
    for index in range(runs):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            times[name].append(run(programs[name], env))
    return {
        name: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts))
        for name, ts in times.items()
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    python = [sys.executable, "-m", "sistercity"]
    with tempfile.TemporaryDirectory(prefix="sistercity-bench-diff-") as folder:
        work = Path(folder)
        old, new = work / "old.jsonl", work / "new.jsonl"
        write_versions(old, new, args.records)
        today = ["--today", TODAY]
        programs = {
            "validate OLD": [*python, "validate", "--format", "json", *today, str(old)],
            "diff OLD NEW": [*python, "diff", "--format", "json", *today, str(old), str(new)],
        }
        print(f"{args.records:,} records, median of {args.runs} runs, interleaved")
        result = median_runs(programs, args.runs)
        for name, (wall, cpu) in result.items():
            print(f"  {name:24s} wall {wall:7.2f} s   CPU {cpu:7.2f} s")
        ratio = result["diff OLD NEW"][0] / result["validate OLD"][0]
        cpu_ratio = result["diff OLD NEW"][1] / result["validate OLD"][1]
        verdict = "within" if ratio <= 2 else "OVER"
        print(f"  diff / validate: wall {ratio:.2f}, CPU {cpu_ratio:.2f} ({verdict} the budget 2)")

        print("\nlinearity: seconds per 1,000 records (wall, median)")
        sizes = [args.records // 4, args.records // 2, args.records]
        for size in sizes:
            path = work / f"n{size}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for record in records(size):
                    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            each: dict[str, list[str]] = {
                "stats": [*python, "stats", "--format", "json", *today, str(path)],
                "export .csv": [*python, "export", *today, str(path), "-o", str(work / "t.csv")],
            }
            timing: dict[str, Any] = median_runs(each, args.runs)
            shown = "   ".join(
                f"{name} {wall / size * 1000:.3f}" for name, (wall, _) in timing.items()
            )
            print(f"  {size:>9,} records: {shown}")


if __name__ == "__main__":
    main()
