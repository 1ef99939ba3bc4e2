"""``sistercity diff OLD NEW``: what changed between two versions of a list."""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any

import orjson

from .._text import printable
from ..compare import MATCHES, Diff, diff_records
from ..validation import RecordMemo
from ._args import add_input_format, add_today, parse_today
from ._output import Locator, write
from ._records import read_valid

__all__ = ["add_parser", "diff_text"]


def _value(value: Any) -> str:
    """A value in a text line: compact JSON, so ``"1962"``, ``null`` and ``{...}`` differ."""
    return orjson.dumps(value).decode()


def diff_text(found: Diff) -> str:
    """The text form: ``+ ID``, ``- ID``, ``~ ID $.path: OLD -> NEW``, then the summary."""
    lines = [f"+ {rid}" for rid in found.added_ids]
    lines += [f"- {rid}" for rid in found.removed_ids]
    for pair in found.changed:
        for change in pair.changes:
            lines.append(
                f"~ {pair.old_id} {change.path}: {_value(change.old)} -> {_value(change.new)}"
            )
        if pair.old_status is not pair.new_status:
            lines.append(
                f"~ {pair.old_id} status: {pair.old_status.value} -> {pair.new_status.value}"
            )
    counts = found.summary
    lines.append(", ".join(f"{name}: {n}" for name, n in counts.items()))
    return "".join(printable(line) + "\n" for line in lines)


def _run(args: argparse.Namespace) -> int:
    """Handle ``sistercity diff``: 0 no differences, 1 differences, 2 could not run.

    The garbage collector is paused meanwhile: both lists stay in memory, and its full passes
    over them cost a third of the run (issue 13's budget: twice a ``validate`` of one file).
    Records hold no reference cycles, so nothing waits for it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _diff(args)
    finally:
        if enabled:
            gc.enable()


def _diff(args: argparse.Namespace) -> int:
    today = parse_today(args.today)
    locator = Locator()
    # the two versions mostly agree: a record the same in both is checked once
    memo = RecordMemo(today)
    old = read_valid(
        "diff",
        args.old,
        args.input_format,
        locator,
        today,
        build=False,
        max_record_bytes=args.max_record_bytes,
        memo=memo,
    )
    new = read_valid(
        "diff",
        args.new,
        args.input_format,
        locator,
        today,
        build=False,
        max_record_bytes=args.max_record_bytes,
        memo=memo,
    )
    found = diff_records(old.raw, new.raw, match=args.match, today=today)
    if args.format == "json":
        write(sys.stdout, orjson.dumps(found.to_json(), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        write(sys.stdout, diff_text(found))
    return 0 if found.empty else 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``diff`` subcommand; its handler returns the exit status."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "diff",
        help="show what changed between two versions of a list",
        description=(
            "Compare two record files. Each is checked on its own; its issues go to standard "
            "error and records that are not valid take no part. Exit status: 0 no "
            "differences, 1 differences, 2 a file could not be read."
        ),
    )
    parser.add_argument("old", metavar="OLD", help="the old version (any record format)")
    parser.add_argument("new", metavar="NEW", help="the new version (any record format)")
    parser.add_argument(
        "--match",
        choices=MATCHES,
        default="id",
        help="pair agreements by id (default), or by their places with compatible kinds "
        "('unspecified' matches any), one to one in file order",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_today(parser)
    add_input_format(parser)
    parser.set_defaults(handler=_run)
    return parser
