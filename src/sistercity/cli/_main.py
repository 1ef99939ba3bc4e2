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
import contextlib
import datetime as dt
import gc
import importlib
import json
import os
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, Final

import orjson

from .. import io as recordio
from .._agreements import Agreement, Event, resolve_actor
from .._atomic import remove_temporary_files
from .._catalogue import RULES, Rule
from .._places import City
from .._record import check_record
from .._report import Issue, Severity
from .._text import count_records, printable
from .._version import VERSION
from ..validation import Validation
from ._args import (
    Parser,
    UsageError,
    add_input_format,
    add_today,
    check_output,
    open_input,
    output_failed,
    parse_today,
    selection,
    spool_input,
)
from ._output import (
    FORMATS,
    Locator,
    OutputError,
    Progress,
    error_line,
    flush,
    reporter,
    write,
)

__all__ = ["EXTENSIONS", "build_parser", "main"]

#: Modules that add subcommands (``import``, ``timeline``) through ``add_parser(subparsers)``.
EXTENSIONS: Final = {
    "import": "sistercity.cli._import",
    "timeline": "sistercity.cli._timeline",
    "diff": "sistercity.cli._diff",
    "stats": "sistercity.cli._stats",
    "export": "sistercity.cli._export",
}
_OWN_COMMANDS: Final = ("validate", "convert", "schema", "rules", "show")
_FORMATS: Final = tuple(f.value for f in recordio.Format)
#: Show progress on a terminal once a run has taken this long (seconds).
PROGRESS_AFTER: Final = 1.0


# --------------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------------


class _Validation:
    """One ``validate`` run: the one validation loop, and a reporter for its findings."""

    def __init__(self, args: argparse.Namespace, out: IO[str], err: IO[str]) -> None:
        self.run = Validation(
            selection=selection(args),
            today=parse_today(args.today),
            collection=not args.no_collection,
        )
        self.strict: bool = args.strict
        self.max_record_bytes: int = args.max_record_bytes
        self.out, self.err = out, err
        self.locator = Locator()
        self.reporter = reporter(args.format, out, self.locator, strict=args.strict)
        self.files: list[dict[str, Any]] = []
        self.seen: list[os.stat_result] = []
        self.failed = False
        self.progress = Progress(err)

    def check_path(self, path: str, input_format: str | None) -> None:
        """Check one input; a file that cannot be read is one line on stderr and status 2."""
        entry: dict[str, Any] = {"path": path, "records": 0, "error": None}
        self.files.append(entry)
        before = self.run.records
        try:
            if path != "-" and os.path.exists(path):
                st = os.stat(path)
                if any(os.path.samestat(st, other) for other in self.seen):
                    entry["error"] = "the same file as an earlier input; checked once"
                    return
                self.seen.append(st)
            limit = self.max_record_bytes
            self.check(
                open_input(path, input_format, self.locator, max_record_bytes=limit, shared=True)
            )
        except (BrokenPipeError, OutputError):
            raise
        except UsageError as exc:
            self.progress.done()
            print(error_line("validate", str(exc)), file=self.err)
            entry["error"] = str(exc)
            self.failed = True
        except OSError as exc:
            self.progress.done()
            reason = f"{path}: {exc.strerror or exc}"
            print(error_line("validate", reason), file=self.err)
            entry["error"] = reason
            self.failed = True
        finally:
            entry["records"] = self.run.records - before

    def check(self, items: Iterable[recordio.Item]) -> None:
        """Check the items, reporting as it goes: each item is done with before the next."""
        run, reporter = self.run, self.reporter
        issues, report_issue = run.issues, reporter.issue
        report_record = reporter.record if reporter.records else None
        tick = self.progress.tick if self.progress.enabled else None
        for item in items:
            found = issues(item)
            if tick is not None:
                tick(run.records)
            for issue in found:
                report_issue(issue)
            if report_record is not None:
                report_record(run.records - 1, item)

    def finish(self) -> int:
        self.progress.done()
        for issue in self.run.finish():
            self.reporter.issue(issue)
        summary = self.run.summary
        self.reporter.finish(summary, self.files)
        flush(self.out)
        if self.failed:
            return 2
        if summary["errors"] or (self.strict and summary["warnings"]):
            return 1
        return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    """Handle ``sistercity validate``.

    The garbage collector is paused meanwhile, as in ``diff``: its passes over the parsed
    records cost about a tenth of the run, and records hold no reference cycles (a validate of
    100,000 records leaves the same few hundred unreachable objects as one of 30,000).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        run = _Validation(args, sys.stdout, sys.stderr)
        for path in args.paths or ["-"]:
            run.check_path(path, args.input_format)
        return run.finish()
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------------------------
# convert
# --------------------------------------------------------------------------------------------


def _cmd_convert(args: argparse.Namespace) -> int:
    with contextlib.ExitStack() as resources:  # the copy of a pipe, closed however it ends
        return _convert(args, resources)


def _convert(args: argparse.Namespace, resources: contextlib.ExitStack) -> int:
    source: str = args.input
    target: str = args.output
    check_output("convert", target, [source])
    try:
        out_format = recordio.format_of(target, args.output_format)
    except recordio.UnknownFormat as exc:
        raise UsageError(f"{exc}; give --output-format") from None
    if args.escape_formulas and out_format is not recordio.Format.CSV:
        raise UsageError(
            "--escape-formulas applies to CSV output only "
            f"(the output is {out_format.value}, which holds no formulas)"
        )
    # with the records on standard output, every message goes to standard error
    say = sys.stderr if target == "-" else sys.stdout
    locator = Locator()
    in_format = args.input_format
    is_pipe = os.path.exists(source) and not os.path.isdir(source) and not os.path.isfile(source)
    if source == "-" or is_pipe:
        # standard input or a pipe cannot be read twice: keep its bytes for the second pass
        try:
            fmt = recordio.format_of(source, in_format)
        except recordio.UnknownFormat as exc:
            raise UsageError(f"{exc}; give --input-format") from None
        copy = resources.enter_context(spool_input(source, args.max_record_bytes))
        if fmt is recordio.Format.JSON:
            locator.json_files.add(source)

        def items() -> Iterator[recordio.Item]:
            copy.seek(0)
            return recordio.read(copy, fmt, name=source, max_record_bytes=args.max_record_bytes)
    else:

        def items() -> Iterator[recordio.Item]:
            return open_input(source, in_format, locator, max_record_bytes=args.max_record_bytes)

    # pass 1: the validation loop, with the same options as validate, and the output format's
    # own limits; a digest of each record, so that pass 2 writes only what was checked
    run = Validation(
        selection=selection(args), today=parse_today(args.today), collection=not args.no_collection
    )
    digests: list[int] = []
    for item in items():
        outcome = run.check(item)
        named = False
        for issue in outcome.issues:
            if issue.is_error:  # convert names what it refuses; validate reports warnings
                write(say, locator.text(issue) + "\n")
                named = True
        if outcome.invalid and not named:  # refused for errors the selection does not report
            where = locator.where(item.file, item.line, item.index)
            write(
                say,
                printable(
                    f"{where}: refused for errors of rules that --select/--ignore leave out of "
                    "the report (a record with a record-rule error cannot be written); "
                    "'sistercity validate' without them shows why"
                )
                + "\n",
            )
        digests.append(_digest(item))
        if item.issue is None and not outcome.invalid:
            reason = recordio.unwritable_raw(item.raw, out_format)
            if reason is not None:
                run.mark_invalid(outcome.seq)
                issue = item.locate(Issue("unwritable-record", Severity.ERROR, reason, "$.parties"))
                write(say, locator.text(issue) + "\n")
    for issue in run.finish():
        if issue.is_error:
            write(say, locator.text(issue) + "\n")
    total = run.records
    refused = run.invalid_seqs
    if refused and not args.skip_invalid:
        write(
            say,
            printable(
                f"nothing written to {target}: {len(refused)} of {total} records refused "
                "(--skip-invalid writes the rest)"
            )
            + "\n",
        )
        return 1
    # pass 2: write the rest
    try:
        writer = recordio.open_writer(target, out_format, escape_formulas=args.escape_formulas)
    except OSError as exc:
        raise output_failed("convert", target, exc) from None
    left_out: list[str] = []
    try:
        position = -1
        for position, item in enumerate(items()):
            if position >= total or _digest(item) != digests[position]:
                raise _InputChanged()
            if position in refused:
                where = locator.where(item.file, item.line, item.index)
                left_out.append(f"{where} {item.id!r}" if item.id is not None else where)
                continue
            _, agreement = check_record(item.raw, today=run.today)
            if agreement is None:
                raise _InputChanged()
            writer.write(agreement)
        if position + 1 != total:
            raise _InputChanged()
        written = writer.commit()
    except _InputChanged:
        writer.abort()
        raise UsageError(f"{source} changed while it was read; nothing written") from None
    except OSError as exc:
        writer.abort()
        raise output_failed("convert", target, exc) from None
    except BaseException:
        writer.abort()
        raise
    if left_out:
        write(
            say, printable(f"left out {count_records(len(left_out))}: {', '.join(left_out)}") + "\n"
        )
    where = "standard output" if target == "-" else target
    write(say, printable(f"wrote {written} of {total} records to {where}") + "\n")
    return 1 if refused else 0


def _digest(item: recordio.Item) -> int:
    """A digest of what was read for one record, to tell whether a file changed between passes."""
    try:
        body = orjson.dumps(item.raw, option=orjson.OPT_PASSTHROUGH_SUBCLASS)
    except (TypeError, orjson.JSONEncodeError):
        body = repr(item.raw).encode("utf-8", "surrogatepass")
    return hash((body, item.issue is None, item.line, item.index))


class _InputChanged(Exception):
    """The second pass of ``convert`` read other records than the first."""


# --------------------------------------------------------------------------------------------
# schema, rules
# --------------------------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    from ..schema import schema

    write(sys.stdout, json.dumps(schema(), indent=2, ensure_ascii=False) + "\n")
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
        write(sys.stdout, json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(row["id"]) for row in rows)
    for row in rows:
        line = f"{row['id']:<{width}}  {row['severity']:<7}  {row['scope']:<10}  {row['summary']}"
        write(sys.stdout, line + "\n")
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


def _act_dates(event: Event) -> str:
    """The event's dates where they differ: "decided 2022-03-04, took effect 2022-03-07".

    Empty when the event gives no ``decided`` or ``announced``, or when they equal its date
    (which the line already starts with).
    """
    dates = [("decided", event.decided), ("announced", event.announced)]
    given = [(label, date) for label, date in dates if date is not None]
    if all(date == event.date for _, date in given):
        return ""
    if event.date is not None:
        given.append(("took effect", event.date))
    return ", ".join(f"{label} {date}" for label, date in given)


def show_text(agreement: Agreement, today: dt.date) -> str:
    r"""A readable timeline of one agreement: parties, kind and term, events, status now.

    Control and bidirectional formatting characters in the data are shown escaped
    (``\x1b``, ``\u202e``): each line of the text is one line on a terminal.
    """
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
            parts.append(f"by {actor}" + (f" ({event.body})" if event.body else ""))
        elif event.body:
            parts.append(f"body: {event.body}")
        dates = _act_dates(event)
        if dates:
            parts.append(dates)
        if event.reason:
            parts.append(f"reason: {event.reason}")
        if event.condition:
            parts.append(f"condition: {event.condition}")
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
    # data cannot move the cursor or rewrite a line: control characters are shown escaped
    return "\n".join(printable(line) for line in lines)


def _cmd_show(args: argparse.Namespace) -> int:
    today = parse_today(args.today)
    locator = Locator()
    wanted = None if args.id is None else unicodedata.normalize("NFC", args.id)
    shown = 0
    broken = False
    unreadable = 0
    for item in open_input(
        args.path, args.input_format, locator, max_record_bytes=args.max_record_bytes
    ):
        if item.issue is not None:
            unreadable += 1
            if wanted is None:
                broken = True
                write(sys.stderr, locator.text(item.locate(item.issue)) + "\n")
            continue
        if wanted is not None and item.id != wanted:
            continue
        issues, agreement = check_record(item.raw, today=today)
        if agreement is None:
            broken = True
            for issue in issues:
                if issue.is_error:
                    write(sys.stderr, locator.text(item.locate(issue)) + "\n")
            continue
        write(sys.stdout, ("\n" if shown else "") + show_text(agreement, today) + "\n")
        shown += 1
    if wanted is not None and not shown and not broken:
        note = f" ({unreadable} records could not be read)" if unreadable else ""
        raise UsageError(f"no agreement with id {args.id!r} in {args.path}{note}")
    return 1 if broken else 0


# --------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------


def _add_rule_options(p: argparse.ArgumentParser) -> None:
    """``--select``, ``--ignore`` and ``--no-collection``: validate and convert take the same."""
    p.add_argument("--select", action="append", metavar="IDS",
                   help="report only these rules (comma-separated ids)")  # fmt: skip
    p.add_argument("--ignore", action="append", metavar="IDS",
                   help="do not report these rules (comma-separated ids)")  # fmt: skip
    p.add_argument("--no-collection", action="store_true",
                   help="record rules only (memory stays flat however long the input)")  # fmt: skip


def build_parser(extensions: Iterable[str] = EXTENSIONS) -> Parser:
    """The argument parser, with the extension subcommands named in ``extensions`` that load."""
    parser = Parser(
        prog="sistercity",
        description="Model and validate sister-city agreements (see 'sistercity COMMAND -h').",
    )

    parser.add_argument("--version", action="version", version=f"sistercity {VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser(
        "validate",
        help="check record files against the rules",
        description="Check record files (JSON Lines, JSON, CSV) against every record rule and "
        "the collection rules. Exit status: 0 no errors, 1 errors found (or warnings with "
        "--strict), 2 the command could not do its job.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files to check; none or - for "
                   "standard input (JSON Lines)")  # fmt: skip
    p.add_argument("--format", choices=FORMATS, default="text", help="report format")
    _add_rule_options(p)
    p.add_argument("--strict", action="store_true", help="warnings fail the run too")
    add_input_format(p)
    add_today(p)
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser(
        "convert",
        help="convert between JSON, JSON Lines and CSV",
        description="Convert records between formats (from the extensions). Writes nothing and "
        "exits 1 when a record has errors or cannot be held by the output format, unless "
        "--skip-invalid. The output appears whole or not at all.",
    )
    p.add_argument("input", metavar="IN", help="input file, or - for standard input")
    p.add_argument("output", metavar="OUT", help="output file (.json, .jsonl, .ndjson, .csv), "
                   "or - for standard output (JSON Lines unless --output-format)")  # fmt: skip
    p.add_argument("--skip-invalid", action="store_true",
                   help="write the valid records, name every record left out, exit 1")  # fmt: skip
    p.add_argument("--escape-formulas", action="store_true",
                   help="CSV for spreadsheets: prefix cells starting with = + - @ tab or CR "
                   "with ' so they are not run as formulas (CSV output only)")  # fmt: skip
    add_input_format(p)
    p.add_argument("--output-format", choices=_FORMATS,
                   help="the output's format (default: from the file's extension)")  # fmt: skip
    _add_rule_options(p)
    add_today(p)
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
    add_input_format(p)
    add_today(p)
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
    """Run the command line; return the exit status (``python -m sistercity`` exits with it).

    SIGTERM and SIGHUP end the run as SIGINT does, through an exception, so that every writer
    removes its temporary file; the status is then 128 plus the signal's number. Standard
    output that cannot be written (a full disk), or that is closed (``>&-``), is one line on
    standard error and status 2.
    """
    if sys.stdout is None:  # started with standard output closed: nowhere to report
        return _stopped("error: standard output is closed: nowhere to write", 2)
    with _signals_as_exceptions():
        try:
            status = _run(argv)
        except _Signalled as exc:
            _SIGNALS["quiet"] = True
            status = _stopped(f"stopped by {signal.Signals(exc.signum).name}", 128 + exc.signum)
        except KeyboardInterrupt:
            _SIGNALS["quiet"] = True
            status = _stopped("interrupted", 128 + signal.SIGINT)
        finally:
            # from here on a signal is noted, not raised: cleaning up must not be interrupted
            _SIGNALS["quiet"] = True
            remove_temporary_files()
        late = _SIGNALS.get("late")
        if late and status < 128:
            status = _stopped(f"stopped by {signal.Signals(late).name}", 128 + late)
        return _flush_stdout(status)


def _run(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Extension subcommands load only when they may be asked for, so validate starts fast.
    word = _command_word(args_list)
    extensions = () if word in _OWN_COMMANDS else tuple(EXTENSIONS)
    command: str | None = None  # for the error line: the subcommand, once it is a known one
    try:
        parser = build_parser(extensions)
        command = word if word in parser.commands else None
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exc:  # --help and --version
            return exc.code if isinstance(exc.code, int) else 0
        handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
        if handler is None:
            commands = ", ".join(parser.commands)
            raise UsageError(f"choose a command: {commands}")
        return handler(args)
    except UsageError as exc:
        print(error_line(command, str(exc)), file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, and keep Python from complaining at exit
        _silence_stdout()
        return 1
    except OutputError as exc:
        print(error_line(command, str(exc)), file=sys.stderr)
        _silence_stdout()
        return 2


class _Signalled(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds the stack like ``KeyboardInterrupt``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: "quiet": once the run is stopping or finishing, a signal is only noted ("late")
_SIGNALS: dict[str, int | bool] = {}


def _raise_signalled(signum: int, frame: object) -> None:
    if _SIGNALS.get("quiet"):
        _SIGNALS["late"] = signum
        return
    raise _Signalled(signum)


@contextlib.contextmanager
def _signals_as_exceptions() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`_Signalled` for the run, then restore the handlers.

    A signal that is ignored (``nohup``) stays ignored; outside the main thread nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}
    _SIGNALS.clear()
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is None or signal.getsignal(number) is signal.SIG_IGN:
            continue
        previous[number] = signal.signal(number, _raise_signalled)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stopped(how: str, status: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        print(f"sistercity: {how}", file=sys.stderr)
    return status


def _flush_stdout(status: int) -> int:
    """Flush standard output now, so that a failure is one line and status 2, not a traceback."""
    try:
        flush(sys.stdout)
    except BrokenPipeError:
        _silence_stdout()
    except OutputError as exc:
        with contextlib.suppress(OSError, ValueError):
            print(error_line(None, str(exc)), file=sys.stderr)
        _silence_stdout()
        return 2
    return status


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - no file descriptor to replace
        pass
