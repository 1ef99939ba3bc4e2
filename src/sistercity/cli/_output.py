"""Output of the command line: one formatter for issues and reports, safe for any terminal."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping, Sequence
from typing import IO, Any, Final

import orjson

from .._read import Item
from .._report import Issue, RecordRef, Severity, SisterCityError
from .._text import printable, xml_text

#: Show progress on a terminal once a run has taken this long (seconds).
PROGRESS_AFTER: Final = 1.0
#: The report formats of ``validate``.
FORMATS: Final = ("text", "json", "github", "junit")


def error_line(command: str | None, message: str) -> str:
    """``sistercity COMMAND: error: MESSAGE``: the one form of a command's error on stderr.

    ``command`` is the subcommand (``None`` before one is known). The line is made safe for a
    terminal (control characters escaped), and only its first line is kept.
    """
    prefix = "sistercity" if command is None else f"sistercity {command}"
    first = message.splitlines()[0] if message else "failed"
    return printable(f"{prefix}: error: {first}")


class OutputError(SisterCityError, OSError):
    """Standard output (or the report's stream) cannot be written: a full disk, a closed pipe."""


def write(stream: IO[str], text: str) -> None:
    """Write text that may hold characters the stream's encoding cannot.

    Raises :class:`OutputError` when the stream cannot be written (``BrokenPipeError`` as is).
    """
    try:
        try:
            stream.write(text)
        except UnicodeEncodeError:
            encoding = getattr(stream, "encoding", None) or "utf-8"
            stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None


def flush(stream: IO[str]) -> None:
    """Flush a stream; :class:`OutputError` when it cannot be written."""
    try:
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None


class Locator:
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
        line = f"{where}: {issue.severity.value}[{issue.rule}] {issue.path}: {message}"
        return printable(line)

    def _ref(self, ref: RecordRef) -> str:
        where = self.where(ref.file, ref.line, ref.index)
        return f"{where} {ref.id!r}" if ref.id is not None else where


def issue_json(issue: Issue) -> dict[str, Any]:
    """The JSON form of an issue in a report."""
    records = issue.records
    return {
        "rule": issue.rule,
        "severity": _SEVERITY_TEXT[issue.severity],
        "message": issue.message,
        "path": issue.path,
        "id": issue.id,
        "file": issue.file,
        "line": issue.line,
        "index": issue.index,
        "records": [{"id": r.id, "file": r.file, "line": r.line, "index": r.index} for r in records]
        if records
        else [],
    }


# the text of each severity, looked up: an enum's ``.value`` is a property, ten times slower
_SEVERITY_TEXT: Final = {member: member.value for member in Severity}


class Progress:
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


def _json(value: Any, option: int = 0) -> bytes:
    """JSON bytes of a report's value; text UTF-8 cannot hold is shown escaped.

    A file name that is not UTF-8 reaches Python with a lone surrogate, which JSON cannot
    hold: it is written backslash-escaped rather than failing the report.
    """
    try:
        return orjson.dumps(value, option=option)
    except TypeError:
        return orjson.dumps(_encodable(value), option=option)


def _encodable(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


def summary_line(summary: Mapping[str, int]) -> str:
    """``records: N, valid: N, invalid: N, errors: N, warnings: N``."""
    keys = ("records", "valid", "invalid", "errors", "warnings")
    return ", ".join(f"{key}: {summary[key]}" for key in keys)


def _first_location(issue: Issue) -> tuple[str | None, int | None]:
    if issue.file is None and issue.records:
        return issue.records[0].file, issue.records[0].line
    return issue.file, issue.line


class Reporter:
    """Writes a ``validate`` report as it goes: issues, records, then the summary.

    One subclass per ``--format``; none keeps the issues in memory.
    """

    #: Whether :meth:`record` does anything (else the caller need not call it).
    records: bool = False

    def __init__(self, out: IO[str], locator: Locator) -> None:
        self.out = out
        self.locator = locator

    def issue(self, issue: Issue) -> None:
        """Report one issue."""

    def record(self, seq: int, item: Item) -> None:
        """Report record ``seq`` of the run, checked (its issues went to :meth:`issue`)."""

    def finish(self, summary: Mapping[str, int], files: Sequence[Mapping[str, Any]]) -> None:
        """Write what ends the report."""


class TextReporter(Reporter):
    """One line per issue, ``FILE:LINE: severity[rule] $.path: message``, then the summary."""

    def issue(self, issue: Issue) -> None:
        write(self.out, self.locator.text(issue) + "\n")

    def finish(self, summary: Mapping[str, int], files: Sequence[Mapping[str, Any]]) -> None:
        write(self.out, summary_line(summary) + "\n")


class JsonReporter(Reporter):
    """One JSON document: ``issues`` written as they are found, then ``summary`` and ``files``."""

    def __init__(self, out: IO[str], locator: Locator) -> None:
        super().__init__(out, locator)
        self.count = 0
        write(out, '{\n  "issues": [')

    def issue(self, issue: Issue) -> None:
        body = _json(issue_json(issue), orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
        write(self.out, (",\n    " if self.count else "\n    ") + body.decode())
        self.count += 1

    def finish(self, summary: Mapping[str, int], files: Sequence[Mapping[str, Any]]) -> None:
        tail = {"summary": dict(summary), "files": list(files)}
        body = _json(tail, orjson.OPT_INDENT_2).decode()[1:]  # without its "{"
        write(self.out, ("\n  " if self.count else "") + "]," + body + "\n")


def _github(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return printable(text)


class GithubReporter(Reporter):
    """GitHub Actions workflow commands, ``::error file=F,line=L,title=RULE::$.path: message``."""

    def issue(self, issue: Issue) -> None:
        file, line = _first_location(issue)
        props = []
        if file is not None:
            props.append(f"file={_github(file, prop=True)}")
        if line is not None:
            props.append(f"line={line}")
        props.append(f"title={_github(issue.rule, prop=True)}")
        message = issue.message
        if issue.records[1:]:
            named = ", ".join(self.locator._ref(ref) for ref in issue.records[1:])
            message = f"{message} (also {named})"
        level = "error" if issue.is_error else "warning"
        text = f"::{level} {','.join(props)}::{_github(issue.path + ': ' + message)}\n"
        write(self.out, text)

    def finish(self, summary: Mapping[str, int], files: Sequence[Mapping[str, Any]]) -> None:
        write(self.out, summary_line(summary) + "\n")


class JunitReporter(Reporter):
    """A JUnit XML document: one ``testcase`` per record, a ``failure`` per error.

    With ``--strict`` warnings fail the run, so they are failures too. Records are spooled to
    a temporary file (memory stays flat), so that the collection rules' errors, known only at
    the end, join the failures of the records they name.
    """

    records = True

    def __init__(self, out: IO[str], locator: Locator, *, strict: bool = False) -> None:
        # imported here, not at the top: it pulls in urllib.request, http.client and ssl, a
        # tenth of the start-up of every other command
        from xml.sax.saxutils import escape, quoteattr

        super().__init__(out, locator)
        self.strict = strict
        self._escape = escape
        self._quoteattr = quoteattr
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish
        self.current: list[list[str]] = []
        self.late: dict[int, list[list[str]]] = {}

    def issue(self, issue: Issue) -> None:
        if not issue.is_error and not self.strict:
            return
        failure = [issue.rule, issue.path, issue.message]
        if issue.records:
            for ref in issue.records:
                if ref.seq is not None:
                    self.late.setdefault(ref.seq, []).append(failure)
        else:
            self.current.append(failure)

    def record(self, seq: int, item: Item) -> None:
        row = [seq, item.file, item.line, item.index, item.id, self.current]
        self.spool.write(_json(row) + b"\n")
        self.current = []

    def finish(self, summary: Mapping[str, int], files: Sequence[Mapping[str, Any]]) -> None:
        loose = self.current  # findings of custom collection rules that name no record
        self.spool.seek(0)
        failed = bool(loose) + sum(
            1
            for line in self.spool
            if (row := orjson.loads(line))[5] or row[0] in self.late  # its failures
        )
        tests = summary["records"] + bool(loose)
        self.spool.seek(0)
        write(self.out, '<?xml version="1.0" encoding="UTF-8"?>\n')
        write(
            self.out,
            f'<testsuites name="sistercity validate" tests="{tests}" failures="{failed}">\n'
            f'  <testsuite name="sistercity validate" tests="{tests}" '
            f'failures="{failed}" errors="0" skipped="0">\n',
        )
        for line in self.spool:
            seq, file, at, index, rid, failures = orjson.loads(line)
            name = self.locator.where(file, at, index) + (f" {rid}" if rid is not None else "")
            self._testcase(file, name, failures + self.late.get(seq, []))
        if loose:
            self._testcase("(input)", "(input)", loose)
        # an input that could not be read is no record, so no testcase (SPEC §6: one a record);
        # the suite's standard error says so, beside the status 2 that fails the run
        unread = [str(f["error"]) for f in files if f.get("error") is not None]  # path: why
        if unread:
            text = "could not read: " + "; ".join(unread)
            write(
                self.out,
                f"    <system-err>{self._text(text)}</system-err>\n",
            )
        write(self.out, "  </testsuite>\n</testsuites>\n")
        self.spool.close()

    def _testcase(self, classname: str, name: str, failures: list[list[str]]) -> None:
        """One ``testcase`` element, with a ``failure`` for each ``[rule, path, message]``."""
        attr = self._attr
        head = f"    <testcase classname={attr(classname)} name={attr(name)}"
        if not failures:
            write(self.out, head + "/>\n")
            return
        write(self.out, head + ">\n")
        for rule, path, message in failures:
            text = f"{path}: {message}"
            write(
                self.out,
                f"      <failure type={attr(rule)} message={attr(text)}>"
                f"{self._text(text)}</failure>\n",
            )
        write(self.out, "    </testcase>\n")

    def _text(self, text: str) -> str:
        """``text`` as XML element content, shown safely (as :meth:`_attr`)."""
        return self._escape(xml_text(printable(text)))

    def _attr(self, text: str) -> str:
        """``text`` as a quoted XML attribute value, shown safely.

        A CI server's page shows it: control and bidirectional characters are escaped, as in
        the text report.
        """
        return self._quoteattr(xml_text(printable(text)))


def reporter(format: str, out: IO[str], locator: Locator, *, strict: bool = False) -> Reporter:
    """The reporter for a ``--format`` (``strict``: warnings fail too, as ``--strict``)."""
    if format == "junit":
        return JunitReporter(out, locator, strict=strict)
    kinds: dict[str, type[Reporter]] = {
        "text": TextReporter,
        "json": JsonReporter,
        "github": GithubReporter,
        "junit": JunitReporter,
    }
    return kinds[format](out, locator)
