"""Findings as data: `Issue`, `Report`, and the exceptions that are a view over them."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs

__all__ = [
    "InvalidAgreement",
    "Issue",
    "RecordRef",
    "Report",
    "Severity",
    "SisterCityError",
    "UnknownRuleError",
]


class Severity(enum.StrEnum):
    """How bad a finding is: an ``error`` makes a record invalid, a ``warning`` does not."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class RecordRef:
    """One record that a collection rule names: its ``id`` and where it was read."""

    id: str | None = None
    index: int | None = None
    file: str | None = None
    line: int | None = None
    #: the record's 0-based place in a validation run, across files (not part of equality)
    seq: int | None = attrs.field(default=None, eq=False, repr=False)


def _record_refs(refs: Iterable[RecordRef]) -> tuple[RecordRef, ...]:
    return refs if isinstance(refs, tuple) else tuple(refs)


@attrs.frozen
class Issue:
    """One finding of one rule about one record (or, for collection rules, several).

    ``path`` is a JSON path relative to the record, such as ``$.events[1].date``.
    ``file``, ``line`` and ``index`` say where the record was read, when known;
    ``records`` names every record that a collection rule involves.
    """

    rule: str
    severity: Severity = attrs.field(converter=Severity)
    message: str
    path: str = "$"
    id: str | None = None
    file: str | None = None
    line: int | None = None
    index: int | None = None
    records: tuple[RecordRef, ...] = attrs.field(default=(), converter=_record_refs)

    @property
    def is_error(self) -> bool:
        """Whether this finding is an error (rather than a warning)."""
        return self.severity is Severity.ERROR

    def located(
        self,
        *,
        file: str | None = None,
        line: int | None = None,
        index: int | None = None,
        id: str | None = None,
    ) -> Issue:
        """Return a copy with the location fields that are given filled in."""
        return attrs.evolve(
            self,
            file=self.file if file is None else file,
            line=self.line if line is None else line,
            index=self.index if index is None else index,
            id=self.id if id is None else id,
        )

    def __str__(self) -> str:
        """Format as ``error[rule] $.path: message``."""
        return f"{self.severity.value}[{self.rule}] {self.path}: {self.message}"


def _issue_list(issues: Iterable[Issue]) -> list[Issue]:
    return list(issues)


@attrs.frozen
class Report:
    """The findings of a validation run.

    ``ok`` is true when there is no error; warnings do not make a report fail, and
    ``bool(report)`` is ``report.ok``, so ``if sistercity.validate(record): save(record)`` saves
    only what is valid. ``summary`` counts ``records``, ``valid``, ``invalid``, ``errors`` and
    ``warnings`` as ``sistercity validate --format json`` does (empty for a report built by hand).

    >>> Report([]).ok, bool(Report([]))
    (True, True)
    """

    issues: list[Issue] = attrs.field(factory=list, converter=_issue_list)
    summary: Mapping[str, int] = attrs.field(factory=dict, kw_only=True, eq=False)

    @property
    def ok(self) -> bool:
        """True when no issue is an error."""
        return not any(issue.is_error for issue in self.issues)

    @property
    def errors(self) -> list[Issue]:
        """The issues of severity ``error``."""
        return [issue for issue in self.issues if issue.is_error]

    @property
    def warnings(self) -> list[Issue]:
        """The issues of severity ``warning``."""
        return [issue for issue in self.issues if not issue.is_error]

    def rules(self) -> set[str]:
        """The ids of every rule that found something."""
        return {issue.rule for issue in self.issues}

    def __iter__(self) -> Iterator[Issue]:
        """Iterate over the issues."""
        return iter(self.issues)

    def __len__(self) -> int:
        """The number of issues."""
        return len(self.issues)

    def __bool__(self) -> bool:
        """``report.ok``: true when no issue is an error (not "has issues", as ``len`` is)."""
        return self.ok


class SisterCityError(Exception):
    """The root of every exception that sistercity raises on purpose."""


class InvalidAgreement(SisterCityError, ValueError):
    """An agreement (or a part of one) breaks record rules and cannot be constructed.

    ``issues`` holds every broken rule, not just the first.
    """

    issues: list[Issue]

    def __init__(self, issues: Iterable[Issue], *, id: str | None = None) -> None:
        self.issues = list(issues)
        self.id = id
        super().__init__(self._summary())

    def _summary(self) -> str:
        errors: Sequence[Issue] = [i for i in self.issues if i.is_error] or self.issues
        what = f"agreement {self.id!r}" if self.id else "agreement"
        lines = [f"{what} breaks {len(errors)} rule(s):"]
        lines.extend(f"  {issue}" for issue in errors)
        return "\n".join(lines)


class UnknownRuleError(SisterCityError, ValueError):
    """A rule id that is neither built in nor registered."""
