"""``sistercity export PATH -o OUT``: a graph (.graphml, .gexf) or a flat table (.csv)."""

from __future__ import annotations

import argparse
from typing import Any

from .._dates import as_day
from ..export import MissingExtra, UnknownExportFormat, format_of, render
from ._args import (
    UsageError,
    add_input_format,
    add_today,
    check_output,
    parse_date,
    parse_today,
    write_text_output,
)
from ._output import Locator
from ._records import read_valid

__all__ = ["add_parser"]


def _run(args: argparse.Namespace) -> int:
    """Handle ``sistercity export``: 0, or 1 when the input has errors."""
    today = parse_today(args.today)
    on = today if args.on is None else as_day(parse_date(args.on, "--on"))
    try:
        fmt = format_of(args.output)
        if fmt != "csv":
            render([], fmt)  # a missing extra stops the command before the input is read
    except (UnknownExportFormat, MissingExtra) as exc:
        raise UsageError(str(exc)) from None
    check_output("export", args.output, [args.path])
    checked = read_valid(
        "export",
        args.path,
        args.input_format,
        Locator(),
        today,
        max_record_bytes=args.max_record_bytes,
    )
    write_text_output("export", args.output, render(checked.agreements, fmt, on=on, today=today))
    return 1 if checked.errors else 0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` subcommand; its handler returns the exit status."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="export a graph (.graphml, .gexf) or a flat table (.csv)",
        description=(
            "Export the valid agreements of a file as a graph for networkx, Gephi or igraph "
            "(.graphml, .gexf; needs sistercity[graph]) or as a flat table for pandas, polars "
            "or R (.csv), the format from OUT's extension. Records that are not valid are "
            "reported and left out (exit status 1)."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="a record file, or - for standard input")
    parser.add_argument("-o", "--output", metavar="OUT", required=True,
                        help="the output: .graphml, .gexf or .csv")  # fmt: skip
    parser.add_argument(
        "--on", metavar="DATE", help="the day of each agreement's status (a partial date means "
        "its last day; default: today)"
    )  # fmt: skip
    add_today(parser)
    add_input_format(parser)
    parser.set_defaults(handler=_run)
    return parser
