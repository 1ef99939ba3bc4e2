"""Benchmark: ``sistercity validate`` against independent pydantic v2 and msgspec peers.

Run from the repository root (see ``benchmarks/README.md``)::

    .venv/bin/python benchmarks/bench_validate.py                     # 100,000 records, 3 runs
    .venv/bin/python benchmarks/bench_validate.py --records 50000 --runs 5 --memory

It writes realistic records (a plain seeded generator, a fraction of them broken) to a
temporary JSON Lines file, then runs four programs on it as subprocesses, in one interleaved
loop (each run starts each program once, in a rotating order, so a change in machine load hits
all of them alike), and reports the median wall and CPU seconds of each child:

- ``sistercity``: ``python -m sistercity validate --format json --today DAY FILE``, the
  collection rules on;
- ``sistercity --no-collection``: the same with ``--no-collection`` (record rules only);
- ``pydantic peer``: ``benchmarks/peers/pydantic_peer.py FILE --today DAY``;
- ``msgspec peer``: ``benchmarks/peers/msgspec_peer.py FILE --today DAY``.

The peers import nothing from sistercity (``tests/test_benchmark_peers.py`` checks it). Ratios
are the peer's time divided by sistercity's: 1.0 or more means sistercity is faster. The
``agree`` column says whether a program's records, valid and invalid counts equal those of
``sistercity --no-collection``. The children import ``sistercity`` from this checkout's
``src``.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.metadata
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
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / "peers"
TODAY = "2026-01-01"
SEED = 20220226
BROKEN = 0.06

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


# (rule the mistake breaks, how to make it): a fraction BROKEN of the records get one
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


def records(n: int, *, seed: int = SEED, broken: float = BROKEN) -> Iterator[dict[str, Any]]:
    """``n`` realistic raw records, the same for the same seed, built one at a time.

    A fraction ``broken`` of them get one mistake each (some mistakes leave the record valid,
    such as an event out of order that follows only undated events).
    """
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
        if rng.random() < broken:
            _, mistake = rng.choice(_MISTAKES)
            record["events"] = [dict(e) for e in record["events"]]
            record["parties"] = [dict(p) for p in record["parties"]]
            mistake(rng, record)
        yield record


def write_records(path: Path, n: int, *, seed: int = SEED, broken: float = BROKEN) -> None:
    """Write ``n`` records as JSON Lines, streaming: no record is kept after it is written."""
    with path.open("w", encoding="utf-8") as out:
        for record in records(n, seed=seed, broken=broken):
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")


# --------------------------------------------------------------------------------------------
# Running the programs
# --------------------------------------------------------------------------------------------

SISTERCITY = "sistercity"
NO_COLLECTION = "sistercity --no-collection"
PYDANTIC = "pydantic peer"
MSGSPEC = "msgspec peer"
SUMMARY_KEYS = ("records", "valid", "invalid", "errors", "warnings")


class Run(NamedTuple):
    """One run of one program: wall and CPU seconds, peak RSS in KiB, its summary."""

    wall: float
    cpu: float
    peak_kib: int
    summary: dict[str, int]


def commands(path: Path) -> dict[str, list[str]]:
    """The four programs, each a command line that checks ``path``."""
    python = sys.executable
    validate = [python, "-m", "sistercity", "validate", "--format", "json", "--today", TODAY]
    return {
        SISTERCITY: [*validate, str(path)],
        NO_COLLECTION: [*validate, "--no-collection", str(path)],
        PYDANTIC: [python, str(PEERS / "pydantic_peer.py"), str(path), "--today", TODAY],
        MSGSPEC: [python, str(PEERS / "msgspec_peer.py"), str(path), "--today", TODAY],
    }


def child_env() -> dict[str, str]:
    """The environment of the children: ``sistercity`` from this checkout's ``src``.

    ``src`` and the peers are byte-compiled first, as an installed package is. Where
    ``PYTHONDONTWRITEBYTECODE`` is set (CI machines, this one) Python reads ``.pyc`` files but
    never writes them, so every child would otherwise parse and compile each module changed
    since the last ``.pyc`` again: about 0.1 s of sistercity's start-up, and a little of the
    peers', that no user's run pays.
    """
    for folder in (ROOT / "src", PEERS):
        compileall.compile_dir(folder, quiet=1)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    return env


def run_once(name: str, command: list[str], workdir: Path, env: dict[str, str]) -> Run:
    """Run ``command`` once; its own resource usage comes from ``os.wait4``."""
    out_path, err_path = workdir / "stdout", workdir / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # 1: errors found, as expected with broken records
        message = err_path.read_text(encoding="utf-8", errors="replace").strip()
        raise SystemExit(f"{name} exited with status {child.returncode}: {message}")
    document = json.loads(out_path.read_bytes())
    summary = document.get("summary", document)
    return Run(
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss,  # KiB on Linux
        {key: summary[key] for key in SUMMARY_KEYS},
    )


def measure(path: Path, runs: int, workdir: Path) -> dict[str, list[Run]]:
    """Every program ``runs`` times, interleaved, the starting program rotating."""
    programs = list(commands(path).items())
    env = child_env()
    results: dict[str, list[Run]] = {name: [] for name, _ in programs}
    for index in range(runs):
        turn = programs[index % len(programs) :] + programs[: index % len(programs)]
        for name, command in turn:
            results[name].append(run_once(name, command, workdir, env))
        print(f"  run {index + 1} of {runs} done", flush=True)
    return results


def report(results: dict[str, list[Run]], runs: int, memory: bool) -> None:
    """Print the table of medians, the agreement of counts and the ratios."""
    wall = {name: statistics.median(r.wall for r in rs) for name, rs in results.items()}
    cpu = {name: statistics.median(r.cpu for r in rs) for name, rs in results.items()}
    reference = results[NO_COLLECTION][-1].summary
    print(f"\nmedian of {runs} runs, interleaved (seconds of each child process)")
    header = f"  {'program':28s} {'wall':>7s} {'CPU':>7s}"
    header += f" {'peak MiB':>9s}" if memory else ""
    print(header + "   records   valid invalid  errors warnings  agree")
    for name, rs in results.items():
        summary = rs[-1].summary
        same = all(summary[key] == reference[key] for key in ("records", "valid", "invalid"))
        steady = all(r.summary == summary for r in rs)
        line = f"  {name:28s} {wall[name]:7.2f} {cpu[name]:7.2f}"
        if memory:
            line += f" {max(r.peak_kib for r in rs) / 1024:9.1f}"
        counts = " ".join(f"{summary[key]:>7d}" for key in SUMMARY_KEYS)
        agree = ("yes" if same else "NO") + ("" if steady else " (counts varied)")
        print(f"{line}   {counts}  {agree}")
    print(f"  agree: records, valid and invalid equal those of {NO_COLLECTION}")
    print("\nratio = peer time / sistercity time, CPU (wall); >= 1.0: sistercity is faster")
    print(f"  {'':16s} {'vs ' + SISTERCITY:>18s} {'vs --no-collection':>20s}")
    for peer in (PYDANTIC, MSGSPEC):
        cells = [
            f"{cpu[peer] / cpu[ours]:5.2f}x ({wall[peer] / wall[ours]:4.2f}x)"
            for ours in (SISTERCITY, NO_COLLECTION)
        ]
        print(f"  {peer:16s} {cells[0]:>18s} {cells[1]:>20s}")


def _version(python_code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", python_code], capture_output=True, text=True, env=env, check=False
    )
    return done.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="default 100,000")
    parser.add_argument("--runs", type=int, default=3, help="runs of each program (median)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--broken", type=float, default=BROKEN, help="fraction given a mistake")
    parser.add_argument("--memory", action="store_true", help="also report peak RSS")
    parser.add_argument("--file", type=Path, help="check this JSON Lines file instead")
    args = parser.parse_args(argv)
    env = child_env()
    versions = {
        "sistercity": _version("import sistercity; print(sistercity.__version__)", env),
        **{name: importlib.metadata.version(name) for name in ("pydantic", "msgspec")},
    }
    print(
        f"python {sys.version.split()[0]}, "
        + ", ".join(f"{name} {version}" for name, version in versions.items())
        + f", cpus {os.cpu_count()}"
    )
    with tempfile.TemporaryDirectory(prefix="sistercity-bench-") as tmp:
        workdir = Path(tmp)
        path = args.file
        if path is None:
            path = workdir / "records.jsonl"
            start = time.perf_counter()
            write_records(path, args.records, seed=args.seed, broken=args.broken)
            print(
                f"{args.records:,} records (seed {args.seed}, {args.broken:.0%} given a mistake), "
                f"{path.stat().st_size / 1e6:.1f} MB, generated in "
                f"{time.perf_counter() - start:.1f} s",
                flush=True,
            )
        report(measure(path, args.runs, workdir), args.runs, args.memory)


if __name__ == "__main__":
    main()
