"""Benchmark: build a Registry of N generated agreements and run every collection rule.

For each size it prints the time (median of repeats for the smaller sizes) to build the
registry and to run the collection rules, the time per agreement, and the peak memory that
building and checking add (tracemalloc, in a separate run so that tracing does not slow the
timed one). It also measures the memory that ``CollectionCheck`` keeps per record, the figure
that bounds ``sistercity validate`` on a stream. Linear growth shows as a flat time per
agreement and a flat memory per agreement.

    .venv/bin/python benchmarks/bench_registry.py                # 10k and 100k
    .venv/bin/python benchmarks/bench_registry.py --sizes 10k,100k,1M
    .venv/bin/python benchmarks/bench_registry.py --full         # also every record rule

The generated agreements are valid by construction (legal lifecycles, years in order, one
country per place); a few are copies, successors, or name an unknown predecessor, so that every
collection rule has something to find. They are built without re-running the record check
(the trusted constructor of ``sistercity._trusted``) so that generating a million takes seconds;
a sample is validated with the public checker first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import sys
import time
import tracemalloc
import types
from collections.abc import Callable
from typing import Any

from sistercity import Agreement, City, Event, PartialDate, RecordRef, Registry, validate
from sistercity._collection import COLLECTION_RULES, CollectionCheck
from sistercity._trusted import checked
from sistercity._vocab import AgreementKind, EventType

_EMPTY: Any = types.MappingProxyType({})


def _build(cls: type[Any], *values: Any) -> Any:
    """A model object from valid values, skipping the construction check (benchmark input only)."""
    if cls is Event:
        kind, date, by, reason, source = values
        return checked(
            Event, (EventType(kind), date, by, reason, source, None, None, None, None, _EMPTY)
        )
    rid, kind, parties, events, term, sources, *rest = values
    supersedes = rest[0] if rest else None
    return checked(
        Agreement,
        (rid, AgreementKind(kind), tuple(parties), events, term, sources, supersedes, None, _EMPTY),
    )


TODAY = dt.date(2026, 1, 1)
COUNTRIES = ("GB", "DE", "FR", "PL", "UA", "US", "JP", "CN", "IT", "ES", "RU", "CZ")
KINDS = ("twinning", "friendship", "cooperation", "sponsorship", "unspecified")
SOURCES = ("https://example.org/registry",)


def event(kind: str, year: int | None, reason: str | None = None) -> Event:
    return _build(Event, kind, None if year is None else _date(year), None, reason, None)


_DATES: dict[int, PartialDate] = {}


def _date(year: int) -> PartialDate:
    if year not in _DATES:
        _DATES[year] = PartialDate(f"{year:04d}")
    return _DATES[year]


def lifecycle(rng: random.Random) -> tuple[Event, ...]:
    """Signed, maybe renewed, maybe suspended (and reinstated), maybe ended; years in order."""
    year = rng.randint(1950, 2015)
    events = [event("signed", year if rng.random() > 0.05 else None)]
    roll = rng.random()
    if roll < 0.3:
        year += rng.randint(1, 5)
        events.append(event("renewed", year))
    if 0.3 <= roll < 0.4:
        year += rng.randint(1, 5)
        events.append(event("suspended", year, "a reason"))
        if rng.random() < 0.5:
            events.append(event("reinstated", year + 1))
    if rng.random() < 0.1:
        events.append(event(rng.choice(("terminated", "expired")), year + 2, "a reason"))
    return tuple(events)


def generate(n: int, seed: int = 1) -> list[Agreement]:
    """``n`` agreements between places of a pool of ``max(1000, n // 2)`` places."""
    rng = random.Random(seed)
    places = [
        City(f"Place {i}", COUNTRIES[i % len(COUNTRIES)], wikidata=f"Q{i + 1}")
        if i % 4
        else City(f"Town {i}", COUNTRIES[i % len(COUNTRIES)])
        for i in range(max(1000, n // 2))
    ]
    out: list[Agreement] = []
    for i in range(n):
        roll = rng.random()
        if out and roll < 0.01:  # a copy under another id: duplicate-agreement
            original = out[rng.randrange(len(out))]
            out.append(_build(Agreement, f"a{i}", original.kind, original.parties[::-1],
                              original.events, None, SOURCES))  # fmt: skip
            continue
        # the same id again now and then: duplicate-id
        rid = out[rng.randrange(len(out))].id if out and roll < 0.015 else f"a{i}"
        supersedes = None
        if out and 0.015 <= roll < 0.025:  # a successor (possibly still active alongside)
            supersedes = out[rng.randrange(len(out))].id
        elif 0.025 <= roll < 0.03:
            supersedes = f"missing-{i}"  # unknown-supersedes
        first = rng.randrange(len(places))
        second = (first + 1 + rng.randrange(len(places) - 1)) % len(places)
        if supersedes == rid:
            supersedes = None
        out.append(
            _build(
                Agreement,
                rid,
                rng.choice(KINDS),
                (places[first], places[second]),
                lifecycle(rng),
                None,
                SOURCES,
                supersedes,
            )
        )
    return out


def collection_rules(registry: Registry) -> int:
    """Run every collection rule through the registry; return the number of findings."""
    return len(registry.validate(select=COLLECTION_RULES, today=TODAY))


def timed(function: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """The median wall and CPU times of ``repeats`` calls, and the last result.

    CPU time (of this process) is shown beside wall time because the machine may be shared:
    other processes lengthen the wall time, not the CPU time.
    """
    walls, cpus = [], []
    result = None
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def traced(function: Callable[[], Any]) -> tuple[int, Any]:
    """Peak bytes allocated while ``function`` runs (what it adds to the heap)."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, result


def check_bytes_per_record(agreements: list[Agreement]) -> float:
    """The memory a CollectionCheck keeps per record (summary, indexes and its RecordRef)."""
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    check = CollectionCheck(today=TODAY)
    for index, agreement in enumerate(agreements):
        # a fresh id string, as when the record was read from a file and then dropped
        rid = (agreement.id + " ")[:-1]
        check.add(agreement, RecordRef(rid, index, "records.jsonl", index + 1))
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (after - before) / len(agreements)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    try:
        value = int(float(text) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a size is a number such as 10k or 1M (got {text!r})"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"a size must be positive (got {value})")
    return value


def measure(n: int, *, full: bool) -> str:
    """One line of the table for ``n`` agreements."""
    agreements = generate(n)
    repeats = 5 if n <= 10_000 else 3 if n <= 100_000 else 1
    build_s, build_cpu, registry = timed(lambda: Registry(agreements), repeats)
    rules_s, rules_cpu, findings = timed(lambda: collection_rules(registry), repeats)
    peak, _ = traced(lambda: collection_rules(Registry(agreements)))
    per_record = check_bytes_per_record(agreements)
    total, cpu = build_s + rules_s, build_cpu + rules_cpu
    line = (
        f"{n:>10,} {build_s:>8.3f} {rules_s:>8.3f} {total:>8.3f} {total / n * 1e6:>7.1f} "
        f"{cpu / n * 1e6:>7.1f} {peak / 2**20:>8.1f} {peak / n:>6.0f} {per_record:>9.0f} "
        f"{findings:>8,}"
    )
    if full:
        full_s, full_cpu, _ = timed(lambda: registry.validate(today=TODAY), 1)
        line += f" {full_s:>7.1f} {full_s / n * 1e6:>7.1f} {full_cpu / n * 1e6:>7.1f}"
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="10k,100k",
        type=lambda s: [parse_size(part) for part in s.split(",") if part.strip()],
        help="comma-separated sizes such as 10k,100k,1M (default: 10k,100k)",
    )
    parser.add_argument(
        "--full", action="store_true", help="also time validate() with every record rule"
    )
    args = parser.parse_args(argv)

    sample = generate(1000, seed=7)
    dirty = [a.id for a in sample if not validate(a, today=TODAY, ignore="future-date").ok]
    if dirty:
        print(f"generated agreements break record rules: {dirty[:5]}", file=sys.stderr)
        return 1

    print(f"Python {sys.version.split()[0]}; today = {TODAY}; times are medians of repeats")
    print(
        "build: Registry(...); rules: every collection rule; us/rec and cpu us: wall and CPU "
        "time per record of both;\npeak: what building and checking add (tracemalloc); "
        "check B: what CollectionCheck keeps per record;\nfull: validate() with every record "
        "rule too"
    )
    header = (
        f"{'records':>10} {'build s':>8} {'rules s':>8} {'total s':>8} {'us/rec':>7} "
        f"{'cpu us':>7} {'peak MiB':>8} {'B/rec':>6} {'check B':>9} {'findings':>8}"
    )
    if args.full:
        header += f" {'full s':>7} {'us/rec':>7} {'cpu us':>7}"
    print(header)
    for n in args.sizes:
        print(measure(n, full=args.full), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
