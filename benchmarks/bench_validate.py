"""Benchmark: ``sistercity validate`` end to end against pydantic v2 and msgspec peers.

Run from the repository root (see ``benchmarks/README.md``)::

    .venv/bin/python benchmarks/bench_validate.py            # timings, 100,000 records
    .venv/bin/python benchmarks/bench_validate.py --memory   # and peak memory at 100k and 1M

It writes realistic records (deterministic seed) to a temporary JSON Lines file, then times, in
the same run and interleaved, the medians of several repeats of:

- ``sistercity``: read, parse, structure, every record rule, the JSON report (the
  ``sistercity validate --format json`` command in-process when ``sistercity.cli`` exists),
  with ``--no-collection`` and with the collection rules;
- the pydantic v2 peer and the msgspec peer (``benchmarks/peers/``), which share sistercity's
  cross-field rule code so that only parsing and structuring differ.

Ratios are the peer's time divided by ours: 1.0 or more means sistercity is faster.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

TODAY = "2026-01-01"

# --------------------------------------------------------------------------------------------
# The record generator
# --------------------------------------------------------------------------------------------

_SYLLABLES = (
    "ber", "lin", "ham", "burg", "man", "ches", "ter", "ro", "stov", "glas", "gow", "sankt",
    "pe", "ters", "kyo", "to", "ni", "ce", "lyon", "mar", "sei", "lle", "vol", "go", "grad",
    "cov", "en", "try", "do", "na", "kra", "ków", "łódź", "über", "lin", "gen", "sa", "po",
    "no", "vi", "a", "e", "o", "ville", "stadt", "dorf", "ka", "shi", "mura", "polis",
)  # fmt: skip
# countries with a subdivision code each, so some parties can carry one
_COUNTRIES = (
    ("DE", "DE-BE"), ("GB", "GB-MAN"), ("FR", "FR-69"), ("RU", "RU-SPE"), ("UA", "UA-30"),
    ("PL", "PL-12"), ("US", "US-IL"), ("JP", "JP-13"), ("CN", "CN-BJ"), ("IT", "IT-RM"),
    ("ES", "ES-M"), ("CZ", "CZ-10"), ("NL", "NL-NH"), ("SE", "SE-AB"), ("KR", "KR-11"),
    ("BR", "BR-SP"), ("CA", "CA-ON"), ("IN", "IN-DL"), ("TR", "TR-34"), ("XK", None),
)  # fmt: skip
_KINDS = ("twinning",) * 6 + ("friendship",) * 2 + ("cooperation", "sponsorship", "unspecified")
_TERMS = {
    "twinning": ("twin town", "Städtepartnerschaft", "jumelage", "sister city"),
    "friendship": ("friendship agreement", "友好都市"),
    "cooperation": ("memorandum of understanding",),
    "sponsorship": ("Patenschaft",),
    "unspecified": (None,),
}
_LEVELS = ("municipality",) * 12 + ("district", "county", "region")
_REASONS = ("Russian invasion of Ukraine", "council decision", "lack of activity", None)


def _city_pool(rng: random.Random, n: int) -> list[dict[str, Any]]:
    pool = []
    for index in range(n):
        name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = f"{name} {index}" if rng.random() < 0.3 else name
        country, subdivision = rng.choice(_COUNTRIES)
        city: dict[str, Any] = {"name": name, "country": country}
        if subdivision is not None and rng.random() < 0.2:
            city["subdivision"] = subdivision
        level = rng.choice(_LEVELS)
        if level != "municipality":
            city["level"] = level
        if rng.random() < 0.85:
            city["wikidata"] = f"Q{1000 + index * 7}"
        elif rng.random() < 0.5:
            city["geonames"] = 2_000_000 + index
        if rng.random() < 0.1:
            city["former_names"] = [
                {"name": name + "grad", "country": "SU", "from": "1924-01-26", "until": "1961"},
                {"name": name + "sk", "until": "1991-09-06"},
            ]
        if rng.random() < 0.05:
            city["x-population"] = rng.randint(1_000, 5_000_000)
        pool.append(city)
    return pool


def _date(rng: random.Random, year: int) -> str:
    roll = rng.random()
    if roll < 0.45:
        text = f"{year:04d}"
    elif roll < 0.7:
        text = f"{year:04d}-{rng.randint(1, 12):02d}"
    else:
        text = f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.05:
        text += rng.choice("?~%")
    return text


def _events(rng: random.Random, parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """2-5 events that follow the lifecycle, in date order, some undated."""
    year = rng.randint(1950, 2010)
    events: list[dict[str, Any]] = []

    def add(kind: str, **more: Any) -> None:
        nonlocal year
        event: dict[str, Any] = {"type": kind}
        if rng.random() < 0.93:
            event["date"] = _date(rng, year)
        event.update({k: v for k, v in more.items() if v is not None})
        if rng.random() < 0.15:
            event["source"] = f"https://example.org/minutes/{rng.randint(1, 10**6)}"
        if rng.random() < 0.03:
            event["x-minute"] = {"page": rng.randint(1, 300), "item": "7b"}
        events.append(event)
        year += rng.randint(1, 6)

    if rng.random() < 0.3:
        add("proposed")
    if rng.random() < 0.5:
        # counter-signatures: each party signs by name or wikidata id
        for party in parties:
            add("signed", by=party.get("wikidata", party["name"]))
    else:
        add("signed")
    target = rng.randint(2, 5)
    suspended = False
    while len(events) < target:
        roll = rng.random()
        if not suspended and roll < 0.3:
            by = parties[0]["name"] if rng.random() < 0.5 else None
            add("suspended", by=by, reason=rng.choice(_REASONS))
            suspended = True
        elif suspended and roll < 0.6:
            add("reinstated")
            suspended = False
        elif roll < 0.85:
            add("renewed")
        else:
            add("terminated", reason=rng.choice(_REASONS))
            break
    return events


# (rule the mistake breaks, how to make it) — about 6% of records get one
_MISTAKES: tuple[tuple[str, Callable[[random.Random, dict[str, Any]], None]], ...] = (
    ("invalid-date", lambda rng, r: r["events"][0].update(date="1962-02-30")),
    ("invalid-country", lambda rng, r: r["parties"][0].update(country="UK")),
    ("unknown-field", lambda rng, r: r["events"][-1].update(reasn="typo")),
    ("invalid-kind", lambda rng, r: r.update(kind="sister city")),
    ("events-out-of-order", lambda rng, r: r["events"].append({"type": "renewed", "date": "1901"})),
    ("invalid-transition", lambda rng, r: r["events"].insert(1, {"type": "reinstated"})),
    ("invalid-actor", lambda rng, r: r["events"][0].update(by="Atlantis")),
    ("malformed-record", lambda rng, r: r["parties"][1].update(geonames="2950159")),
    ("too-few-parties", lambda rng, r: r.update(parties=r["parties"][:1])),
)


def records(n: int, *, seed: int = 20220226) -> Iterator[dict[str, Any]]:
    """``n`` realistic raw records, the same for the same seed, built one at a time."""
    rng = random.Random(seed)
    pool = _city_pool(rng, 20_000)
    for index in range(n):
        kind = rng.choice(_KINDS)
        a, b = rng.sample(pool, 2)
        parties = [a, b] if rng.random() < 0.97 else [a, b, rng.choice(pool)]
        record: dict[str, Any] = {"id": f"rec-{index:07d}", "kind": kind}
        term = rng.choice(_TERMS[kind])
        if term is not None:
            record["term"] = term
        record["parties"] = [dict(p) for p in parties]
        record["events"] = _events(rng, parties)
        if rng.random() < 0.9:
            record["sources"] = [f"https://example.org/{index}"]
        if rng.random() < 0.02 and index > 0:
            record["supersedes"] = f"rec-{rng.randrange(index):07d}"
        if rng.random() < 0.1:
            record["notes"] = "Dates differ between sources; see the council minutes."
        if rng.random() < 0.1:
            record["x-row"] = index + 2
        if rng.random() < 0.06:
            _, mistake = rng.choice(_MISTAKES)
            record["events"] = [dict(e) for e in record["events"]]
            record["parties"] = [dict(p) for p in record["parties"]]
            mistake(rng, record)
        yield record


def write_records(path: Path, n: int, *, seed: int = 20220226) -> None:
    """Write ``n`` records as JSON Lines, streaming: no record is kept after it is written."""
    with path.open("w", encoding="utf-8") as out:
        for record in records(n, seed=seed):
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")


# --------------------------------------------------------------------------------------------
# The three implementations, each: read + parse + structure + rules + a JSON report
# --------------------------------------------------------------------------------------------


def run_sistercity(path: Path, *, collection: bool) -> dict[str, int]:
    """``sistercity validate --format json PATH`` in-process; its summary."""
    try:
        from sistercity.cli import main
    except ImportError:  # before the command line existed: the same pipeline by hand
        return _run_core(path, collection=collection)
    args = ["validate", "--format", "json", "--today", TODAY, str(path)]
    if not collection:
        args.append("--no-collection")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(args)
    if status not in (0, 1):
        raise RuntimeError(f"sistercity validate exited with {status}")
    summary: dict[str, int] = json.loads(out.getvalue())["summary"]
    return summary


def _run_core(path: Path, *, collection: bool) -> dict[str, int]:
    import datetime as dt

    from sistercity._collection import CollectionCheck
    from sistercity._record import check_record
    from sistercity._report import RecordRef

    today = dt.date.fromisoformat(TODAY)
    check = CollectionCheck(today=today) if collection else None
    issues: list[dict[str, Any]] = []
    records = invalid = 0
    with path.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            found, agreement = check_record(json.loads(line), today=today, build=collection)
            issues.extend(
                {"rule": i.rule, "severity": i.severity.value, "path": i.path, "line": number}
                for i in found
            )
            invalid += any(i.is_error for i in found)
            if check is not None and agreement is not None:
                check.add(agreement, RecordRef(agreement.id, records, str(path), number))
            records += 1
    if check is not None:
        issues.extend(
            {"rule": i.rule, "severity": i.severity.value, "path": i.path} for i in check.issues()
        )
    return _report(records, invalid, issues)


def _report(records: int, invalid: int, issues: list[dict[str, Any]]) -> dict[str, int]:
    summary = {
        "records": records,
        "valid": records - invalid,
        "invalid": invalid,
        "errors": sum(i["severity"] == "error" for i in issues),
        "warnings": sum(i["severity"] == "warning" for i in issues),
    }
    json.dumps({"summary": summary, "issues": issues}, indent=2, ensure_ascii=False)
    return summary


def run_peer(check_line: Callable[[bytes], tuple[bool, list[dict[str, Any]]]], path: Path) -> Any:
    """A peer over the file: each line validated, issues located, the same JSON report."""
    issues: list[dict[str, Any]] = []
    records = invalid = 0
    with path.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            ok, found = check_line(line)
            for issue in found:
                issue.update(file=str(path), line=number, index=records)
            issues.extend(found)
            invalid += not ok
            records += 1
    return _report(records, invalid, issues)


def timings(path: Path, repeat: int) -> None:
    """Time every implementation ``repeat`` times, interleaved; print medians and ratios."""
    from peers import msgspec_peer, pydantic_peer

    runs: dict[str, Callable[[], Any]] = {
        "sistercity --no-collection": lambda: run_sistercity(path, collection=False),
        "sistercity (with collection)": lambda: run_sistercity(path, collection=True),
        "pydantic v2 peer": lambda: run_peer(pydantic_peer.check_line, path),
        "msgspec peer": lambda: run_peer(msgspec_peer.check_line, path),
    }
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    summaries: dict[str, Any] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            gc.collect()
            c0, w0 = time.process_time(), time.perf_counter()
            summaries[name] = run()
            cpu[name].append(time.process_time() - c0)
            wall[name].append(time.perf_counter() - w0)
    print(f"\nmedian of {repeat} runs each, interleaved (CPU seconds of this process; wall in ())")
    for name in runs:
        s = summaries[name]
        print(
            f"  {name:30s} {statistics.median(cpu[name]):7.2f} s "
            f"({statistics.median(wall[name]):6.2f} s)   records {s['records']}, "
            f"valid {s['valid']}, invalid {s['invalid']}"
        )
    ours = statistics.median(cpu["sistercity --no-collection"])
    ours_all = statistics.median(cpu["sistercity (with collection)"])
    print("\nratio = peer time / sistercity time (>= 1.0: sistercity is faster)")
    for peer in ("pydantic v2 peer", "msgspec peer"):
        theirs = statistics.median(cpu[peer])
        print(
            f"  {peer:18s} vs --no-collection: {theirs / ours:5.2f}x    "
            f"vs with collection: {theirs / ours_all:5.2f}x"
        )


# --------------------------------------------------------------------------------------------
# Peak memory, one subprocess per measurement
# --------------------------------------------------------------------------------------------


def _memory_child(path: str, collection: bool) -> None:
    """Run ``sistercity validate`` (text report to /dev/null); print peak RSS in KiB."""
    import resource

    from sistercity.cli import main

    args = ["validate", "--today", TODAY, path] + ([] if collection else ["--no-collection"])
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        main(args)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def memory(sizes: list[int], workdir: Path) -> None:
    """Peak RSS of ``validate`` with and without the collection rules, at each size."""
    print("\npeak memory (max RSS of a fresh process running `sistercity validate`, text report)")
    peaks: dict[tuple[int, bool], int] = {}
    for n in sizes:
        path = workdir / f"records-{n}.jsonl"
        write_records(path, n)
        for collection in (False, True):
            done = subprocess.run(
                [sys.executable, __file__, "--memory-child", str(path)]
                + (["--collection"] if collection else []),
                check=True,
                capture_output=True,
                text=True,
            )
            peaks[n, collection] = int(done.stdout.split()[-1])
            what = "with collection" if collection else "--no-collection"
            print(f"  {n:>9,} records  {what:16s} {peaks[n, collection] / 1024:8.1f} MiB")
        path.unlink()
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        flat = (peaks[large, False] - peaks[small, False]) / 1024
        grow = (peaks[large, True] - peaks[small, True]) * 1024 / (large - small)
        print(f"  --no-collection: {flat:+.1f} MiB from {small:,} to {large:,} records")
        print(f"  with collection: {grow:.0f} bytes per record more (the per-record summary)")


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20220226)
    parser.add_argument("--memory", action="store_true", help="also measure peak memory")
    parser.add_argument("--memory-sizes", default="100000,1000000")
    parser.add_argument("--no-timings", action="store_true")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--collection", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        _memory_child(args.memory_child, args.collection)
        return
    import msgspec
    import pydantic

    import sistercity

    print(
        f"python {sys.version.split()[0]}, sistercity {sistercity.__version__}, "
        f"pydantic {pydantic.VERSION}, msgspec {msgspec.__version__}, cpus {os.cpu_count()}"
    )
    with tempfile.TemporaryDirectory(prefix="sistercity-bench-") as tmp:
        workdir = Path(tmp)
        if not args.no_timings:
            path = workdir / "records.jsonl"
            start = time.perf_counter()
            write_records(path, args.records, seed=args.seed)
            print(
                f"{args.records:,} records (seed {args.seed}), {path.stat().st_size / 1e6:.1f} MB, "
                f"generated in {time.perf_counter() - start:.1f} s"
            )
            timings(path, args.repeat)
            path.unlink()
        if args.memory:
            memory([int(n) for n in args.memory_sizes.split(",")], workdir)


if __name__ == "__main__":
    main()
