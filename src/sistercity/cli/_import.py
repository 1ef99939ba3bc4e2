"""``sistercity import wikidata|table``: the importers on the command line.

:func:`add_parser` adds the ``import`` subcommand to the program's parser; its handlers return
the exit status: 0 when every row or statement was imported, 1 when some were refused, 2 when
the command could not do its job (no such file, a bad mapping file, an unreadable input, an
output that cannot be written or that is one of the inputs). Issues go to standard error as
``FILE:LINE: severity[rule] $.path: message``, then the counts; ``-o -`` writes the records to
standard output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from .._report import Issue, SisterCityError
from .._text import printable
from ..importers import ImportResult
from ._args import check_output, output_failed
from ._output import Locator, error_line, write

__all__ = ["add_parser", "format_issue", "run_table", "run_wikidata"]


def format_issue(issue: Issue) -> str:
    """``FILE:LINE: severity[rule] $.path: message``, as ``validate`` writes issues."""
    return Locator().text(issue)


def _say(stream: TextIO, line: str) -> None:
    write(stream, printable(line) + "\n")


def _counts(what: Mapping[str, int]) -> str:
    return ", ".join(f"{rule} {count}" for rule, count in sorted(what.items()) if count)


def _report(result: ImportResult, unit: str, out: str, stream: TextIO) -> None:
    issues = sorted(result.issues, key=lambda i: (i.file or "", i.line or 0))
    for issue in issues:
        write(stream, format_issue(issue) + "\n")
    refused = sum(result.refused.values())
    skipped = sum(result.skipped.values())
    lines = [
        f"{unit} read: {result.read}",
        f"records written: {len(result.agreements)} (to {out})",
        f"{unit} refused: {refused}" + (f" ({_counts(result.refused)})" if refused else ""),
    ]
    if skipped:
        lines.append(f"{unit} skipped: {skipped} ({_counts(result.skipped)})")
    lines.append(f"duplicates merged: {result.merged}")
    errors = sum(1 for i in result.issues if i.is_error)
    lines.append(f"issues: {errors} errors, {len(result.issues) - errors} warnings")
    for line in lines:
        _say(stream, line)


def _run(
    args: argparse.Namespace, unit: str, inputs: list[str], work: Callable[[], ImportResult]
) -> int:
    output: str = args.output
    # the report goes to standard output, as validate's does, unless the records go there
    stream: TextIO = sys.stderr if output == "-" else sys.stdout
    check_output("import", output, inputs)
    try:
        result = work()
    except SisterCityError as exc:
        _say(sys.stderr, error_line("import", str(exc)))
        return 2
    from ..io import write as write_records

    try:
        write_records(output, result.agreements, "jsonl" if _is_jsonl(output) else None)
    except OSError as exc:
        raise output_failed("import", output, exc) from None
    except SisterCityError as exc:
        _say(sys.stderr, error_line("import", f"cannot write {output}: {exc}"))
        return 2
    _report(result, unit, "standard output" if output == "-" else output, stream)
    return 0 if result.ok else 1


def _is_jsonl(path: str) -> bool:
    return not path.lower().endswith((".json", ".csv"))


def run_wikidata(args: argparse.Namespace) -> int:
    """The handler of ``sistercity import wikidata FILE... -o OUT [--lang L]``."""
    from ..importers.wikidata import import_wikidata

    return _run(
        args, "statements", list(args.files), lambda: import_wikidata(args.files, lang=args.lang)
    )


def run_table(args: argparse.Namespace) -> int:
    """The handler of ``sistercity import table FILE --map MAPPING.toml -o OUT``."""
    from ..importers.tables import import_table

    return _run(args, "rows", [args.file, args.map], lambda: import_table(args.file, args.map))


def add_parser(subparsers: Any) -> None:
    """Add ``import`` (with ``wikidata`` and ``table``) to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "import",
        help="import Wikidata P190 statements or a table into records",
        description="Import sister-city data into records. Exit status: 0 all "
        "imported, 1 some rows or statements refused, 2 the import could not run.",
    )
    kinds = parser.add_subparsers(dest="source", metavar="{wikidata,table}", required=True)
    wikidata = kinds.add_parser(
        "wikidata",
        help="Wikidata entity JSON or SPARQL JSON results",
        description="Import Wikidata entity JSON (Special:EntityData, wbgetentities, dump "
        "lines) or the JSON results of the query in sistercity/importers/query.rq. All files "
        "form one input: partners and countries are resolved against every entity read.",
    )
    wikidata.add_argument("files", nargs="+", metavar="FILE", help="input files")
    wikidata.add_argument(
        "-o", "--output", required=True, metavar="OUT.jsonl",
        help="the records (JSON Lines; .json or .csv by extension); - for standard output",
    )  # fmt: skip
    wikidata.add_argument(
        "--lang",
        default="en",
        help="label language (default: en; then 'mul', then any language)",
    )
    wikidata.set_defaults(handler=run_wikidata)
    table = kinds.add_parser(
        "table",
        help="a CSV or TSV file with a TOML mapping file",
        description="Import a CSV or TSV file; the TOML mapping file says which column holds "
        "what (see the documentation of sistercity.importers.tables).",
    )
    table.add_argument("file", metavar="FILE", help="the CSV or TSV file")
    table.add_argument("--map", required=True, metavar="MAPPING.toml", help="the mapping file")
    table.add_argument(
        "-o", "--output", required=True, metavar="OUT.jsonl",
        help="the records (JSON Lines; .json or .csv by extension); - for standard output",
    )  # fmt: skip
    table.set_defaults(handler=run_table)
