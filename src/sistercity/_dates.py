"""Partial dates (SPEC §2): ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with an EDTF qualifier."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from typing import Final

import dateutil.parser

from ._report import SisterCityError

__all__ = ["InvalidDate", "PartialDate", "Precision", "as_day", "parse_lenient"]

_PATTERN: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%])?")
_QUALIFIER_RANK: Final = {None: 0, "?": 1, "~": 2, "%": 3}


class InvalidDate(SisterCityError, ValueError):
    """A text that is not a partial date."""


class Precision(enum.StrEnum):
    """How much of a partial date is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class PartialDate:
    """A date known to the year, the month or the day, with an optional EDTF qualifier.

    A partial date stands for the interval of days it could be. Equality and hashing use
    ``(earliest, latest, qualifier)``; ordering is earliest day first, then the wider interval,
    then no qualifier before ``?``, ``~``, ``%``. ``a < b`` is that sort order; use
    :meth:`definitely_before` to ask whether ``a`` certainly came first.

    >>> d = PartialDate("1962")
    >>> d
    <PartialDate('1962')>
    >>> str(d), d.earliest, d.latest
    ('1962', datetime.date(1962, 1, 1), datetime.date(1962, 12, 31))
    >>> PartialDate("1962") == PartialDate("1962?")
    False
    >>> [str(x) for x in sorted(map(PartialDate, ["1962-05-01", "1962-05", "1961-12-31", "1962"]))]
    ['1961-12-31', '1962', '1962-05', '1962-05-01']
    >>> PartialDate("1962").definitely_before(PartialDate("1963-01"))
    True
    """

    __slots__ = ("_earliest", "_key", "_latest", "_text", "day", "month", "qualifier", "year")

    year: int
    month: int | None
    day: int | None
    qualifier: str | None

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise InvalidDate(f"a partial date must be a string (got {type(text).__name__})")
        match = _PATTERN.fullmatch(text)
        if match is None:
            raise InvalidDate(
                "expected a partial date YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by "
                f"?, ~ or % (got {text!r})"
            )
        year_s, month_s, day_s, qualifier = match.groups()
        year = int(year_s)
        if year < 1:
            raise InvalidDate(f"the year must be between 0001 and 9999 (got {text!r})")
        month = int(month_s) if month_s else None
        day = int(day_s) if day_s else None
        if month is not None and not 1 <= month <= 12:
            raise InvalidDate(f"the month must be between 01 and 12 (got {text!r})")
        if month is None:
            earliest, latest = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            last = calendar.monthrange(year, month)[1]
            if day is None:
                earliest, latest = dt.date(year, month, 1), dt.date(year, month, last)
            elif 1 <= day <= last:
                earliest = latest = dt.date(year, month, day)
            else:
                raise InvalidDate(
                    f"{year:04d}-{month:02d} has days 01 to {last:02d} (got {text!r})"
                )
        self.year, self.month, self.day, self.qualifier = year, month, day, qualifier
        self._text = text
        self._earliest, self._latest = earliest, latest
        self._key = (earliest.toordinal(), -latest.toordinal(), _QUALIFIER_RANK[qualifier])

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse the strict record syntax; raise :class:`InvalidDate` for anything else."""
        return cls(text)

    @classmethod
    def from_date(cls, day: dt.date, qualifier: str | None = None) -> PartialDate:
        """The partial date of one known day."""
        return cls(day.isoformat() + (qualifier or ""))

    @property
    def precision(self) -> Precision:
        """Whether the year, the month or the day is known."""
        if self.month is None:
            return Precision.YEAR
        return Precision.MONTH if self.day is None else Precision.DAY

    @property
    def earliest(self) -> dt.date:
        """The first day this partial date could be."""
        return self._earliest

    @property
    def latest(self) -> dt.date:
        """The last day this partial date could be."""
        return self._latest

    @property
    def uncertain(self) -> bool:
        """Marked ``?`` or ``%``."""
        return self.qualifier in ("?", "%")

    @property
    def approximate(self) -> bool:
        """Marked ``~`` or ``%``."""
        return self.qualifier in ("~", "%")

    def definitely_before(self, other: PartialDate) -> bool:
        """Whether every day this date could be is before every day ``other`` could be."""
        return self._latest < other._earliest

    def overlaps(self, other: PartialDate) -> bool:
        """Whether the two intervals share at least one day."""
        return self._earliest <= other._latest and other._earliest <= self._latest

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` lies in this date's interval."""
        return self._earliest <= day <= self._latest

    def __str__(self) -> str:
        """The record form, which :meth:`parse` reads back."""
        return self._text

    def __repr__(self) -> str:
        """``<PartialDate('1962-05')>``."""
        return f"<PartialDate({self._text!r})>"

    def __hash__(self) -> int:
        """Hash of ``(earliest, latest, qualifier)``."""
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        """Same interval and same qualifier."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key == other._key

    def __lt__(self, other: object) -> bool:
        """Sort order (not "definitely before")."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key < other._key

    def __le__(self, other: object) -> bool:
        """Sort order (not "definitely before")."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key <= other._key

    def __gt__(self, other: object) -> bool:
        """Sort order (not "definitely after")."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key > other._key

    def __ge__(self, other: object) -> bool:
        """Sort order (not "definitely after")."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key >= other._key

    def __reduce__(self) -> tuple[type[PartialDate], tuple[str]]:
        """Pickle as the text."""
        return (PartialDate, (self._text,))


def as_day(value: dt.date | str | PartialDate) -> dt.date:
    """Read a day argument: a ``date``, or a partial date (or its text) meaning its last day.

    >>> as_day("2022")
    datetime.date(2022, 12, 31)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, PartialDate):
        return value.latest
    if isinstance(value, str):
        return PartialDate(value).latest
    raise TypeError(f"expected a datetime.date or a partial date (got {type(value).__name__})")


_NUMERIC_DMY: Final = re.compile(
    r"\s*([0-9]{1,2})\s*[./-]\s*([0-9]{1,2})\s*[./-]\s*([0-9]{2,4})\s*"
)
_FOUR_DIGITS: Final = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_DEFAULTS: Final = (dt.datetime(2000, 1, 1), dt.datetime(1999, 2, 2))


def parse_lenient(text: str, *, dayfirst: bool | None = None) -> PartialDate:
    """Read a date written as people write it ("26 February 2022", "May 1962", "1962").

    The result has the precision the text really gives: a month or a day is never invented.
    A strict partial date is accepted as it is. An all-numeric date whose day and month could
    be swapped ("03/04/2022") is refused unless ``dayfirst`` says which comes first.

    >>> parse_lenient("26 February 2022")
    <PartialDate('2022-02-26')>
    >>> parse_lenient("May 1962")
    <PartialDate('1962-05')>
    >>> parse_lenient("03/04/2022", dayfirst=True)
    <PartialDate('2022-04-03')>
    """
    if not isinstance(text, str):
        raise InvalidDate(f"expected a date as text (got {type(text).__name__})")
    cleaned = text.strip()
    try:
        return PartialDate(cleaned)
    except InvalidDate:
        pass
    if not cleaned:
        raise InvalidDate("expected a date (got an empty text)")
    if not _FOUR_DIGITS.search(cleaned):
        raise InvalidDate(f"{text!r} gives no four-digit year; a century is never guessed")
    numeric = _NUMERIC_DMY.fullmatch(cleaned)
    if numeric and dayfirst is None:
        first, second = int(numeric.group(1)), int(numeric.group(2))
        if first != second and first <= 12 and second <= 12:
            raise InvalidDate(
                f"{text!r} could be day/month or month/day; say which comes first (dayfirst)"
            )
    results = []
    for default in _DEFAULTS:
        try:
            results.append(dateutil.parser.parse(cleaned, default=default, dayfirst=bool(dayfirst)))
        except (ValueError, OverflowError) as exc:
            raise InvalidDate(f"cannot read {text!r} as a date ({exc})") from None
    one, two = results
    if one.year != two.year:
        raise InvalidDate(f"{text!r} gives no year")
    if one.month != two.month:
        if one.day != two.day:
            return PartialDate(f"{one.year:04d}")
        raise InvalidDate(f"{text!r} gives a day but no month")
    if one.day != two.day:
        return PartialDate(f"{one.year:04d}-{one.month:02d}")
    return PartialDate(f"{one.year:04d}-{one.month:02d}-{one.day:02d}")
