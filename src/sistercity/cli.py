"""The ``sistercity`` command line (SPEC §6): validate, convert, schema, rules and show.

Exit status, for every subcommand: 0 no errors; 1 errors found (or warnings with
``--strict``; for ``convert``, some records refused); 2 the command could not do its job (no
such file, a directory, an unknown format, a bad option, an unknown rule id). Such a problem
is one line on standard error, never a traceback.

Other modules add subcommands: a module listed in :data:`EXTENSIONS` provides
``add_parser(subparsers) -> None``, which adds its parser and sets ``handler`` (a function from
the parsed arguments to the exit status) with ``set_defaults``. A module that cannot be
imported leaves its subcommand out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io as stdio
import json
import os
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, Final, NoReturn

import orjson

from . import io as recordio
from ._agreements import Agreement, resolve_actor
from ._catalogue import RULES, Rule, RuleSelection
from ._collection import CollectionCheck
from ._dates import PartialDate, as_day
from ._places import City
from ._record import check_record
from ._report import Issue, RecordRef, Severity, SisterCityError, UnknownRuleError
from .validation import Validation

__all__ = ["EXTENSIONS", "build_parser", "main"]

#: Modules that add subcommands (``import``, ``timeline``) through ``add_parser(subparsers)``.
EXTENSIONS: Final = {
    "import": "sistercity.importers._cli",
    "timeline": "sistercity.timeline",
}
_OWN_COMMANDS: Final = ("validate", "convert", "schema", "rules", "show")
_FORMATS: Final = tuple(f.value for f in recordio.Format)
#: Show progress on a terminal once a run has taken this long (seconds).
PROGRESS_AFTER: Final = 1.0


class UsageError(SisterCityError, ValueError):
    """The command was called wrongly; the message is one line for standard error."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and a status of 2, without exiting."""

    commands: tuple[str, ...] = ()

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message}")


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _write(stream: IO[str], text: str) -> None:
    """Write text that may hold characters the stream's encoding cannot."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        stream.write(text)
    except UnicodeEncodeError:
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


class _Locator:
    """Formats where a record was read: ``FILE:LINE``, or ``FILE[INDEX]`` for ``.json``."""

    def __init__(self) -> None:
        self.json_files: set[str] = set()

    def where(self, file: str | None, line: int | None, index: int | None) -> str:
        if file is None:
            return "(input)"  # a custom collection rule's finding that names no record
        name = file
        if file in self.json_files and index is not None:
            return f"{name}[{index}]"
        if line is not None:
            return f"{name}:{line}"
        return name

    def text(self, issue: Issue) -> str:
        if issue.file is None and issue.records:
            first = issue.records[0]
            where = self.where(first.file, first.line, first.index)
        else:
            where = self.where(issue.file, issue.line, issue.index)
        message = issue.message
        others = issue.records[1:]
        if others:
            named = ", ".join(self._ref(ref) for ref in others)
            message = f"{message} (also {named})"
        return f"{where}: {issue.severity.value}[{issue.rule}] {issue.path}: {message}"

    def _ref(self, ref: RecordRef) -> str:
        where = self.where(ref.file, ref.line, ref.index)
        return f"{where} {ref.id!r}" if ref.id is not None else where


def _issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "rule": issue.rule,
        "severity": issue.severity.value,
        "message": issue.message,
        "path": issue.path,
        "id": issue.id,
        "file": issue.file,
        "line": issue.line,
        "index": issue.index,
        "records": [
            {"id": r.id, "file": r.file, "line": r.line, "index": r.index} for r in issue.records
        ],
    }


class _Progress:
    """A record count on standard error, only on a terminal and only for long runs."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(isatty is not None and isatty())
        self.start = time.monotonic()
        self.shown = False

    def tick(self, records: int) -> None:
        if not self.enabled or records % 1000:
            return
        if time.monotonic() - self.start >= PROGRESS_AFTER:
            self.stream.write(f"\rsistercity: {records:,} records checked")
            self.stream.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


# --------------------------------------------------------------------------------------------
# Arguments shared by several subcommands
# --------------------------------------------------------------------------------------------


def _today(value: str | None) -> dt.date:
    """``--today`` or ``SISTERCITY_TODAY`` (a partial date means its last day), else today."""
    origin = "--today"
    if value is None:
        value = os.environ.get("SISTERCITY_TODAY") or None
        origin = "SISTERCITY_TODAY"
    if value is None:
        return dt.date.today()
    try:
        return as_day(PartialDate(value))
    except ValueError as exc:
        raise UsageError(f"sistercity: error: {origin}: {exc}") from None


def _selection(args: argparse.Namespace) -> RuleSelection:
    select = ",".join(args.select) if args.select else None
    ignore = ",".join(args.ignore) if args.ignore else None
    try:
        return RuleSelection.of(select, ignore)
    except UnknownRuleError as exc:
        raise UsageError(f"sistercity {args.command}: error: {exc}") from None


def _open(
    path: str, input_format: str | None, locator: _Locator | None = None
) -> Iterator[recordio.Item]:
    """Open a record file; :class:`UsageError` for a file the command cannot read."""
    if path != "-" and not os.path.exists(path):
        raise UsageError(f"sistercity: error: {path}: no such file")
    if os.path.isdir(path):
        raise UsageError(f"sistercity: error: {path}: is a directory")
    try:
        fmt = recordio.format_of(path, input_format)
        items = recordio.read(path, fmt)
    except recordio.UnknownFormat as exc:
        raise UsageError(f"sistercity: error: {exc}; give --input-format") from None
    except IsADirectoryError:
        raise UsageError(f"sistercity: error: {path}: is a directory") from None
    except FileNotFoundError:
        raise UsageError(f"sistercity: error: {path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"sistercity: error: {path}: {exc.strerror or exc}") from None
    if locator is not None and fmt is recordio.Format.JSON:
        locator.json_files.add(path)
    return items


# --------------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------------


class _Validation:
    """One ``validate`` run: the one validation loop, and where its issues go."""

    def __init__(self, args: argparse.Namespace, out: IO[str], err: IO[str]) -> None:
        self.run = Validation(
            selection=_selection(args), today=_today(args.today), collection=not args.no_collection
        )
        self.text = args.format == "text"
        self.strict: bool = args.strict
        self.out, self.err = out, err
        self.locator = _Locator()
        self.issues: list[Issue] = []
        self.failed = False
        self.progress = _Progress(err)

    def report(self, issue: Issue) -> None:
        if self.text:
            _write(self.out, self.locator.text(issue) + "\n")
        else:
            self.issues.append(issue)

    def check(self, items: Iterable[recordio.Item]) -> None:
        for item in items:
            outcome = self.run.check(item)
            self.progress.tick(self.run.records)
            for issue in outcome.issues:
                self.report(issue)

    def finish(self) -> int:
        self.progress.done()
        for issue in self.run.finish():
            self.report(issue)
        summary = self.run.summary
        if self.text:
            _write(self.out, ", ".join(f"{k}: {v}" for k, v in summary.items()) + "\n")
        else:
            document = {"summary": summary, "issues": [_issue_json(i) for i in self.issues]}
            # orjson writes the same bytes as json.dumps(indent=2, ensure_ascii=False), 10x faster
            _write(self.out, orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
        self.out.flush()
        if self.failed:
            return 2
        if summary["errors"] or (self.strict and summary["warnings"]):
            return 1
        return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    run = _Validation(args, sys.stdout, sys.stderr)
    for path in args.paths or ["-"]:
        try:
            items = _open(path, args.input_format, run.locator)
            run.check(items)
        except UsageError as exc:
            run.progress.done()
            print(exc, file=sys.stderr)
            run.failed = True
        except BrokenPipeError:
            raise
        except OSError as exc:
            run.progress.done()
            print(f"sistercity: error: {path}: {exc.strerror or exc}", file=sys.stderr)
            run.failed = True
    return run.finish()


# --------------------------------------------------------------------------------------------
# convert
# --------------------------------------------------------------------------------------------


def _cmd_convert(args: argparse.Namespace) -> int:
    source: str = args.input
    target: str = args.output
    if os.path.isdir(target):
        raise UsageError(f"sistercity convert: error: {target}: is a directory")
    try:
        out_format = recordio.format_of(target, args.output_format)
    except recordio.UnknownFormat as exc:
        raise UsageError(f"sistercity convert: error: {exc}; give --output-format") from None
    if target == "-":
        raise UsageError("sistercity convert: error: OUT must be a file (written atomically)")
    locator = _Locator()
    in_format = args.input_format
    is_pipe = os.path.exists(source) and not os.path.isdir(source) and not os.path.isfile(source)
    if source == "-" or is_pipe:
        # standard input or a pipe cannot be read twice: keep its bytes for the second pass
        try:
            fmt = recordio.format_of(source, in_format)
        except recordio.UnknownFormat as exc:
            raise UsageError(f"sistercity: error: {exc}; give --input-format") from None
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as stream:
                data = stream.read()
        if fmt is recordio.Format.JSON:
            locator.json_files.add(source)

        def items() -> Iterator[recordio.Item]:
            return recordio.read(stdio.BytesIO(data), fmt, name=source)
    else:

        def items() -> Iterator[recordio.Item]:
            return _open(source, in_format, locator)

    # pass 1: find every record that cannot be written, and say why
    refused: set[int] = set()
    check = CollectionCheck()
    total = 0
    for position, item in enumerate(items()):
        total += 1
        problems: list[Issue] = []
        if item.issue is not None:
            problems.append(item.issue)
        else:
            issues, agreement = check_record(item.raw)
            problems.extend(i for i in issues if i.is_error)
            if agreement is not None:
                reason = recordio.unwritable(agreement, out_format)
                if reason is not None:
                    problems.append(Issue("unwritable-record", Severity.ERROR, reason, "$.parties"))
                else:
                    ref = item.ref
                    check.add(agreement, RecordRef(ref.id, position, ref.file, ref.line))
        if problems:
            refused.add(position)
            for issue in problems:
                _write(sys.stdout, locator.text(item.locate(issue)) + "\n")
    for issue in check.issues():
        if issue.is_error:
            # the first record named is kept; the others are refused
            refused.update(ref.index for ref in issue.records[1:] if ref.index is not None)
            _write(sys.stdout, locator.text(issue) + "\n")
    if refused and not args.skip_invalid:
        print(
            f"nothing written to {target}: {len(refused)} of {total} records refused "
            "(--skip-invalid writes the rest)",
            file=sys.stdout,
        )
        return 1
    # pass 2: write the rest
    try:
        writer = recordio.open_writer(target, out_format)
    except OSError as exc:
        raise UsageError(f"sistercity convert: error: {target}: {exc.strerror or exc}") from None
    left_out: list[str] = []
    try:
        position = -1
        for position, item in enumerate(items()):
            if position in refused:
                where = locator.where(item.file, item.line, item.index)
                left_out.append(f"{where} {item.id!r}" if item.id is not None else where)
                continue
            _, agreement = check_record(item.raw)
            if agreement is None or position >= total:
                raise _InputChanged()
            writer.write(agreement)
        if position + 1 != total:
            raise _InputChanged()
        written = writer.commit()
    except _InputChanged:
        writer.abort()
        raise UsageError(
            f"sistercity convert: error: {source} changed while it was read; nothing written"
        ) from None
    except OSError as exc:
        writer.abort()
        raise UsageError(
            f"sistercity convert: error: cannot write {target}: {exc.strerror or exc}"
        ) from None
    except BaseException:
        writer.abort()
        raise
    if left_out:
        print(f"left out {len(left_out)} records: {', '.join(left_out)}", file=sys.stdout)
    print(f"wrote {written} of {total} records to {target}", file=sys.stdout)
    return 1 if refused else 0


class _InputChanged(Exception):
    """The second pass of ``convert`` read other records than the first."""


# --------------------------------------------------------------------------------------------
# schema, rules
# --------------------------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    from .schema import schema

    _write(sys.stdout, json.dumps(schema(), indent=2, ensure_ascii=False) + "\n")
    return 0


def _rule_rows(rules: Iterable[Rule]) -> list[dict[str, str]]:
    return [
        {
            "id": rule.id,
            "severity": rule.severity.value,
            "scope": rule.scope,
            "summary": rule.summary,
        }
        for rule in rules
    ]


def _cmd_rules(args: argparse.Namespace) -> int:
    rows = _rule_rows(RULES.values())
    if args.format == "json":
        _write(sys.stdout, json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(row["id"]) for row in rows)
    for row in rows:
        line = f"{row['id']:<{width}}  {row['severity']:<7}  {row['scope']:<10}  {row['summary']}"
        _write(sys.stdout, line + "\n")
    return 0


# --------------------------------------------------------------------------------------------
# show
# --------------------------------------------------------------------------------------------


def _place(city: City) -> str:
    details = [city.country]
    if city.subdivision:
        details.append(city.subdivision)
    if city.level.value != "municipality":
        details.append(city.level.value)
    if city.wikidata:
        details.append(city.wikidata)
    elif city.geonames is not None:
        details.append(f"geonames:{city.geonames}")
    text = f"{city.name} ({', '.join(details)})"
    formerly = []
    for former in city.former_names:
        country = f" ({former.country})" if former.country else ""
        start = "" if former.from_ is None else f" from {former.from_}"
        formerly.append(f"{former.name}{country}{start} until {former.until}")
    if formerly:
        text += "; formerly " + "; ".join(formerly)
    return text


def show_text(agreement: Agreement, today: dt.date) -> str:
    """A readable timeline of one agreement: parties, kind and term, events, status now."""
    lines = [agreement.id]
    kind = agreement.kind.value
    lines.append(
        f"  kind:    {kind}" + (f' (source term: "{agreement.term}")' if agreement.term else "")
    )
    lines.append("  parties:")
    lines.extend(f"    {_place(party)}" for party in agreement.parties)
    lines.append("  events:" if agreement.events else "  events:  none recorded")
    width = max((len(str(e.date)) for e in agreement.events if e.date is not None), default=4)
    width = max(width, len("undated"))
    type_width = max((len(e.type.value) for e in agreement.events), default=0)
    for event in agreement.events:
        when = today if event.date is None else event.date.latest
        names = " \N{EN DASH} ".join(party.name_on(when) for party in agreement.parties)
        date = "undated" if event.date is None else str(event.date)
        parts = [f"    {date:<{width}}  {event.type.value:<{type_width}}  {names}"]
        if event.by is not None:
            found = resolve_actor(event.by, agreement.parties)
            actor = agreement.parties[found[0]].name_on(when) if len(found) == 1 else event.by
            parts.append(f"by {actor}")
        if event.reason:
            parts.append(f"reason: {event.reason}")
        if event.source:
            parts.append(f"source: {event.source}")
        lines.append("; ".join(parts))
    status = agreement.status_on(today, today=today)
    lines.append(f"  status now ({today.isoformat()}): {status.value}")
    if agreement.supersedes:
        lines.append(f"  supersedes: {agreement.supersedes}")
    if agreement.sources:
        lines.append("  sources:")
        lines.extend(f"    {source}" for source in agreement.sources)
    if agreement.notes:
        lines.append(f"  notes:   {agreement.notes}")
    return "\n".join(lines)


def _cmd_show(args: argparse.Namespace) -> int:
    today = _today(args.today)
    locator = _Locator()
    wanted = None if args.id is None else unicodedata.normalize("NFC", args.id)
    shown = 0
    broken = False
    unreadable = 0
    for item in _open(args.path, args.input_format, locator):
        if item.issue is not None:
            unreadable += 1
            if wanted is None:
                broken = True
                _write(sys.stderr, locator.text(item.locate(item.issue)) + "\n")
            continue
        if wanted is not None and item.id != wanted:
            continue
        issues, agreement = check_record(item.raw, today=today)
        if agreement is None:
            broken = True
            for issue in issues:
                if issue.is_error:
                    _write(sys.stderr, locator.text(item.locate(issue)) + "\n")
            continue
        _write(sys.stdout, ("\n" if shown else "") + show_text(agreement, today) + "\n")
        shown += 1
    if wanted is not None and not shown and not broken:
        note = f" ({unreadable} records could not be read)" if unreadable else ""
        raise UsageError(
            f"sistercity show: error: no agreement with id {args.id!r} in {args.path}{note}"
        )
    return 1 if broken else 0


# --------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------


def _add_input_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input-format",
        choices=_FORMATS,
        help="the input's format (default: from the file's extension; standard input: jsonl)",
    )


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        metavar="DATE",
        help="the day that 'now' and future-date mean: a partial date, meaning its last day "
        "(default: $SISTERCITY_TODAY, else the real date)",
    )


def build_parser(extensions: Iterable[str] = EXTENSIONS) -> _Parser:
    """The argument parser, with the extension subcommands named in ``extensions`` that load."""
    parser = _Parser(
        prog="sistercity",
        description="Model and validate sister-city agreements (see 'sistercity COMMAND -h').",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"sistercity {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "validate",
        help="check record files against the rules",
        description="Check record files (JSON Lines, JSON, CSV) against every record rule and "
        "the collection rules. Exit status: 0 no errors, 1 errors found (or warnings with "
        "--strict), 2 the command could not do its job.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files to check; none or - for "
                   "standard input (JSON Lines)")  # fmt: skip
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    p.add_argument("--select", action="append", metavar="IDS",
                   help="report only these rules (comma-separated ids)")  # fmt: skip
    p.add_argument("--ignore", action="append", metavar="IDS",
                   help="do not report these rules (comma-separated ids)")  # fmt: skip
    p.add_argument("--strict", action="store_true", help="warnings fail the run too")
    _add_input_format(p)
    p.add_argument("--no-collection", action="store_true",
                   help="record rules only (memory stays flat however long the input)")  # fmt: skip
    _add_today(p)
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser(
        "convert",
        help="convert between JSON, JSON Lines and CSV",
        description="Convert records between formats (from the extensions). Writes nothing and "
        "exits 1 when a record has errors or cannot be held by the output format, unless "
        "--skip-invalid. The output appears whole or not at all.",
    )
    p.add_argument("input", metavar="IN", help="input file, or - for standard input")
    p.add_argument("output", metavar="OUT", help="output file (.json, .jsonl, .ndjson, .csv)")
    p.add_argument("--skip-invalid", action="store_true",
                   help="write the valid records, name every record left out, exit 1")  # fmt: skip
    _add_input_format(p)
    p.add_argument("--output-format", choices=_FORMATS,
                   help="the output's format (default: from the file's extension)")  # fmt: skip
    p.set_defaults(handler=_cmd_convert)

    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of the record format",
        description="Print the JSON Schema (2020-12) of the record format.",
    )
    p.set_defaults(handler=_cmd_schema)

    p = sub.add_parser(
        "rules",
        help="list the rule catalogue",
        description="List every rule: id, severity, scope, what it checks.",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=_cmd_rules)

    p = sub.add_parser(
        "show",
        help="print an agreement's timeline",
        description="Print a readable timeline: the parties with their names at the time, kind "
        "and term, each event with its date, actor and reason, and the status now.",
    )
    p.add_argument("path", metavar="PATH", help="a record file, or - for standard input")
    p.add_argument("--id", help="show only the agreement with this id")
    _add_input_format(p)
    _add_today(p)
    p.set_defaults(handler=_cmd_show)

    for name in extensions:
        module_name = EXTENSIONS.get(name, name)
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        add_parser: Callable[[Any], None] | None = getattr(module, "add_parser", None)
        if add_parser is not None:
            add_parser(sub)
    parser.commands = tuple(sub.choices)
    return parser


def _command_word(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (``python -m sistercity`` exits with it)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Extension subcommands load only when they may be asked for, so validate starts fast.
    word = _command_word(args_list)
    extensions = () if word in _OWN_COMMANDS else tuple(EXTENSIONS)
    try:
        parser = build_parser(extensions)
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exc:  # --help and --version
            return exc.code if isinstance(exc.code, int) else 0
        handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
        if handler is None:
            commands = ", ".join(parser.commands)
            raise UsageError(f"sistercity: error: choose a command: {commands}")
        return handler(args)
    except UsageError as exc:
        print(str(exc).splitlines()[0] if str(exc) else "sistercity: error", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, and keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("sistercity: interrupted", file=sys.stderr)
        return 130
