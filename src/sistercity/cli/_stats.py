"""``sistercity stats PATH``: counts by status, kind and country, events per year."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from .._dates import as_day
from .._text import printable
from ..statistics import Stats, events_chart, stats
from ._args import (
    UsageError,
    add_input_format,
    add_today,
    check_output,
    check_picture,
    parse_date,
    parse_today,
    write_text_output,
)
from ._output import Locator, write
from ._records import read_valid

__all__ = ["add_parser", "stats_text"]


def _counts(title: str, counts: dict[str, int]) -> list[str]:
    width = max((len(name) for name in counts), default=0)
    return [f"{title}:"] + [f"  {name:<{width}}  {n:>6,}" for name, n in counts.items()]


def stats_text(summary: Stats, *, countries: int = 10) -> str:
    """The text form: counts by status, kind, the first ``countries`` countries, per year."""
    data = summary.to_json()
    lines = [f"agreements: {summary.agreements:,}"]
    lines += _counts(f"status on {data['on']}", data["status"])
    lines += _counts("kind", data["kind"])
    shown = dict(list(data["countries"].items())[:countries])
    more = len(data["countries"]) - len(shown)
    lines += _counts("countries" + (f" (first {len(shown)} of {len(data['countries'])})"
                                    if more else ""), shown)  # fmt: skip
    lines.append("events per year:")
    for year, counts in data["events_per_year"].items():
        total = sum(counts.values())
        parts = ", ".join(f"{name} {n:,}" for name, n in counts.items())
        lines.append(f"  {year:>7}  {total:>6,}  {parts}")
    return "".join(printable(line) + "\n" for line in lines)


def _run(args: argparse.Namespace) -> int:
    """Handle ``sistercity stats``: 0, or 1 when the input has errors."""
    today = parse_today(args.today)
    on = today if args.on is None else as_day(parse_date(args.on, "--on"))
    if args.plot is not None:
        if args.plot == "-":
            raise UsageError(
                "--plot - would put the picture on standard output with the stats; give a file"
            )
        check_output("stats", args.plot, [args.path])
        check_picture("stats --plot", args.plot)
    checked = read_valid(
        "stats",
        args.path,
        args.input_format,
        Locator(),
        today,
        max_record_bytes=args.max_record_bytes,
    )
    summary = stats(checked.agreements, on=on, today=today)
    if args.format == "json":
        write(
            sys.stdout, orjson.dumps(summary.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n"
        )
    else:
        write(sys.stdout, stats_text(summary))
    if args.plot is not None:
        write_text_output("stats", args.plot, events_chart(summary))
    return 1 if checked.errors else 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``stats`` subcommand; its handler returns the exit status."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "stats",
        help="count agreements by status, kind and country, and events per year",
        description=(
            "Count the valid agreements of a file by status on a day, by kind and by country, "
            "and their events per year by type; --plot draws the events per year as a stacked "
            "bar chart. Records that are not valid are reported and not counted (exit status 1)."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="a record file, or - for standard input")
    parser.add_argument(
        "--on", metavar="DATE", help="the day of the status counts (a partial date means its "
        "last day; default: today)"
    )  # fmt: skip
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--plot", metavar="FILE.svg", help="draw the events per year as SVG")
    add_today(parser)
    add_input_format(parser)
    parser.set_defaults(handler=_run)
    return parser
