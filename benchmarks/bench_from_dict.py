"""How long does ``sistercity.from_dict`` take to build 100,000 agreements?

The records are generated deterministically (a seeded ``random.Random``) and look like real
data: two parties from a pool of real places, a Wikidata id on most, a subdivision on some, a
former name now and then, one to four events (signed, renewed, suspended by one party with a
reason, reinstated or terminated) with dates of year, month or day precision, and a source.

Two peers run in the same process on the same records, so the ratios hold on a busy machine:

- ``json copy``: ``json.loads(json.dumps(record))``, the cost of merely copying the dicts;
- ``attrs, no checks``: the same shape built into plain ``attrs`` frozen classes with no
  validation at all, the floor for building objects in Python.

Usage: ``python benchmarks/bench_from_dict.py [--records N] [--runs R]``. Prints the median of
the runs, the time per record, and the ratio of ``from_dict`` to each peer.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import attrs

import sistercity as sc

PLACES = [
    ("Manchester", "GB", "GB-MAN", "Q18125"),
    ("Saint Petersburg", "RU", None, "Q656"),
    ("Glasgow", "GB", "GB-GLG", "Q4093"),
    ("Rostov-on-Don", "RU", "RU-ROS", "Q908"),
    ("Coventry", "GB", "GB-COV", None),
    ("Volgograd", "RU", None, None),
    ("Kyiv", "UA", None, "Q1899"),
    ("Lviv", "UA", None, None),
    ("Kraków", "PL", None, None),
    ("Köln", "DE", "DE-NW", "Q365"),
    ("Lyon", "FR", None, None),
    ("Toledo", "US", "US-OH", None),
    ("Toledo", "ES", None, None),
    ("Nagasaki", "JP", None, None),
    ("São Paulo", "BR", "BR-SP", None),
    ("Reykjavík", "IS", None, None),
]
REASONS = ["Russian invasion of Ukraine", "council decision", "no activity since 2010"]


def make_record(rng: random.Random, index: int) -> dict[str, Any]:
    """One realistic, valid record."""
    first, second = rng.sample(PLACES, 2)
    parties = []
    for name, country, subdivision, wikidata in (first, second):
        party: dict[str, Any] = {"name": name, "country": country}
        if subdivision and rng.random() < 0.5:
            party["subdivision"] = subdivision
        if wikidata:
            party["wikidata"] = wikidata
        if rng.random() < 0.1:
            party["former_names"] = [{"name": f"Old {name}", "until": str(rng.randint(1900, 1990))}]
        parties.append(party)
    year = rng.randint(1950, 2010)
    events: list[dict[str, Any]] = [{"type": "signed", "date": date(rng, year)}]
    if rng.random() < 0.4:
        year = rng.randint(year + 1, 2015)
        events.append({"type": "renewed", "date": date(rng, year)})
    first_party = parties[0]
    by = first_party.get("wikidata") or f"{first_party['name']} ({first_party['country']})"
    if rng.random() < 0.3:
        year = rng.randint(max(year + 1, 2016), 2022)
        events.append(
            {
                "type": "suspended",
                "date": date(rng, year),
                "by": by,
                "reason": rng.choice(REASONS),
            }
        )
        if rng.random() < 0.3:
            events.append({"type": "reinstated", "date": "2024", "by": by})
        elif rng.random() < 0.3:
            events.append({"type": "terminated", "date": "2024-05", "reason": rng.choice(REASONS)})
    slug = "-".join(p["name"].casefold().replace(" ", "-") for p in parties)
    return {
        "id": f"{slug}-{index}",
        "kind": rng.choice(["twinning", "twinning", "friendship", "cooperation", "unspecified"]),
        "parties": parties,
        "events": events,
        "sources": [f"https://example.org/links/{index}"],
    }


def date(rng: random.Random, year: int) -> str:
    """A date in ``year`` of year, month or day precision."""
    precision = rng.random()
    if precision < 0.5:
        return str(year)
    if precision < 0.7:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


# ---- the peers ---------------------------------------------------------------------------


@attrs.frozen
class PlainPlace:
    """A party with no checks."""

    name: str
    country: str
    subdivision: str | None = None
    wikidata: str | None = None
    former_names: tuple[dict[str, Any], ...] = ()


@attrs.frozen
class PlainEvent:
    """An event with no checks."""

    type: str
    date: str | None = None
    by: str | None = None
    reason: str | None = None


@attrs.frozen
class PlainAgreement:
    """An agreement with no checks."""

    id: str
    kind: str
    parties: tuple[PlainPlace, ...]
    events: tuple[PlainEvent, ...]
    sources: tuple[str, ...]


def plain_attrs(record: dict[str, Any]) -> PlainAgreement:
    """Build the plain attrs objects from a record, trusting it entirely."""
    return PlainAgreement(
        record["id"],
        record["kind"],
        tuple(
            PlainPlace(
                p["name"],
                p["country"],
                p.get("subdivision"),
                p.get("wikidata"),
                tuple(p.get("former_names", ())),
            )
            for p in record["parties"]
        ),
        tuple(
            PlainEvent(e["type"], e.get("date"), e.get("by"), e.get("reason"))
            for e in record["events"]
        ),
        tuple(record["sources"]),
    )


def json_copy(record: dict[str, Any]) -> Any:
    """Copy a record through JSON text."""
    return json.loads(json.dumps(record))


def time_runs(
    build: Callable[[dict[str, Any]], Any], records: list[dict[str, Any]], runs: int
) -> list[float]:
    """Seconds to build every record, for each run."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        for record in records:
            build(record)
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)
    rng = random.Random(2022)
    records = [make_record(rng, i) for i in range(options.records)]
    built = [sc.from_dict(r) for r in records[:1000]]  # warm up, and check they are valid
    assert all(sc.to_dict(a) == r for a, r in zip(built, records, strict=False))
    print(
        f"sistercity {sc.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}; {options.records:,} records, {options.runs} runs (median)"
    )
    results = {
        "from_dict": time_runs(sc.from_dict, records, options.runs),
        "json copy": time_runs(json_copy, records, options.runs),
        "attrs, no checks": time_runs(plain_attrs, records, options.runs),
    }
    medians = {name: statistics.median(times) for name, times in results.items()}
    for name, times in results.items():
        median = medians[name]
        per = median / options.records * 1e6
        ratio = medians["from_dict"] / median
        spread = f"{min(times):.2f}-{max(times):.2f} s"
        print(
            f"{name:>17}: {median:6.2f} s  ({per:6.1f} us/record, runs {spread})"
            + ("" if name == "from_dict" else f"  from_dict is {ratio:.1f}x this")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
