"""``sistercity timeline``: the agreements of a place as an SVG timeline."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._agreements import Agreement
from .._atomic import write_bytes
from ..timeline import NoSuchPlace, render
from ..validation import Validation
from ._args import (
    UsageError,
    add_input_format,
    add_today,
    check_output,
    check_picture,
    open_input,
    output_failed,
    parse_date,
    parse_today,
)
from ._output import Locator, write

__all__ = ["add_parser"]


def _valid_agreements(
    path: str, input_format: str | None, locator: Locator, run: Validation, max_record_bytes: int
) -> tuple[list[Agreement], int]:
    """The valid agreements of a file; each error goes to stderr as ``validate`` writes it."""
    agreements: list[Agreement] = []
    errors = 0
    for item in open_input(path, input_format, locator, max_record_bytes=max_record_bytes):
        outcome = run.check(item)
        for issue in outcome.issues:
            if issue.is_error:
                errors += 1
                write(sys.stderr, locator.text(issue) + "\n")
        if outcome.agreement is not None and not outcome.invalid:
            agreements.append(outcome.agreement)
    return agreements, errors


def _run(args: argparse.Namespace) -> int:
    """Handle ``sistercity timeline``."""
    output: str = "-" if args.output is None else args.output
    check_output("timeline", output, [args.path])
    check_picture("timeline", output)
    today = parse_today(args.today)
    since = None if args.since is None else parse_date(args.since, "--since")
    locator = Locator()
    run = Validation(today=today, collection=False, build=True)
    try:
        agreements, errors = _valid_agreements(
            args.path, args.input_format, locator, run, args.max_record_bytes
        )
    except OSError as exc:
        raise UsageError(f"{args.path}: {exc.strerror or exc}") from None
    try:
        svg = render(agreements, place=args.place, today=today, since=since, title=args.title)
    except NoSuchPlace as exc:
        raise UsageError(str(exc)) from None
    try:
        write_bytes(output, svg.encode("utf-8"))
    except OSError as exc:
        raise output_failed("timeline", output, exc) from None
    if errors:
        print(
            f"sistercity timeline: {errors} error(s) in the input; "
            "records that are not valid are left out",
            file=sys.stderr,
        )
        return 1
    return 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``timeline`` subcommand; its handler returns the exit status."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "timeline",
        help="draw the agreements of a place as an SVG timeline",
        description=(
            "Draw the agreements of a place as bars along a time axis, coloured by status. "
            "Records that are not valid are reported and left out (exit status 1)."
        ),
    )
    parser.add_argument(
        "path", metavar="PATH", help="a .jsonl, .ndjson, .json or .csv record file, or -"
    )
    parser.add_argument(
        "--place",
        metavar="KEY",
        help="a Wikidata id, geonames:<id>, a name, or 'name (CC)' such as 'Manchester (GB)' "
        "(default: all)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE.svg",
        help="where to write the picture (default, or -: standard output)",
    )
    add_today(parser)
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="start the time axis at this year; what happened before is cut at the left edge",
    )
    parser.add_argument("--title", help="the picture's heading (default: the place)")
    add_input_format(parser)
    parser.set_defaults(handler=_run)
    return parser
