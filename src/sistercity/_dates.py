"""Partial dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with an EDTF qualifier."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re
from typing import TYPE_CHECKING, Final

from ._report import SisterCityError

if TYPE_CHECKING:
    import dateutil.parser

__all__ = ["InvalidDate", "PartialDate", "Precision", "as_day", "ordinals", "parse_lenient"]

_PATTERN: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%])?")
_QUALIFIERS: Final = "?~%"
_ISO_DAY: Final = dt.date.fromisoformat
_QUALIFIER_RANK: Final = {None: 0, "?": 1, "~": 2, "%": 3}
# the days of each month, and the days of the year before it, in a common year
_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DAYS_BEFORE: Final = (0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


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
        year, month, day, qualifier, first, last = _parse(text)
        self.year, self.month, self.day, self.qualifier = year, month, day, qualifier
        self._text = text
        self._earliest = dt.date.fromordinal(first)
        self._latest = self._earliest if last == first else dt.date.fromordinal(last)
        self._key = (first, -last, _QUALIFIER_RANK[qualifier])

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


def _parse(text: str) -> tuple[int, int | None, int | None, str | None, int, int]:
    """Read a partial date's text: ``(year, month, day, qualifier, earliest, latest)``.

    The interval's days are :meth:`datetime.date.toordinal` numbers. Raises
    :class:`InvalidDate`.
    """
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
    # the ordinal of 1 January, and whether the year is a leap year (proleptic Gregorian, as
    # datetime counts)
    before = year - 1
    january = before * 365 + before // 4 - before // 100 + before // 400 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if month_s is None:
        return year, None, None, qualifier, january, january + 364 + leap
    month = int(month_s)
    if not 1 <= month <= 12:
        raise InvalidDate(f"the month must be between 01 and 12 (got {text!r})")
    days = _MONTH_DAYS[month] + (month == 2 and leap)
    first = january + _DAYS_BEFORE[month] + (month > 2 and leap)
    if day_s is None:
        return year, month, None, qualifier, first, first + days - 1
    day = int(day_s)
    if not 1 <= day <= days:
        raise InvalidDate(f"{year:04d}-{month:02d} has days 01 to {days:02d} (got {text!r})")
    return year, month, day, qualifier, first + day - 1, first + day - 1


def ordinals(text: str) -> tuple[int, int]:
    """The first and last day a partial date's text can be, as day ordinals.

    What :class:`PartialDate` reads, without making one; raises :class:`InvalidDate`.

    >>> ordinals("1962-02") == (dt.date(1962, 2, 1).toordinal(), dt.date(1962, 2, 28).toordinal())
    True
    """
    size = len(text) if type(text) is str else 0
    if (size == 10 or (size == 11 and text[10] in _QUALIFIERS)) and text[4] == "-" == text[7]:
        # YYYY-MM-DD, most dates: datetime's own parser in C, at a tenth of the cost. With "-"
        # at 4 and 7 it reads exactly ASCII digits around them, and a calendar day from 0001
        # on, as _parse does; what it refuses, _parse words (tests/test_dates.py holds them
        # together)
        try:
            day = _ISO_DAY(text[:10] if size == 11 else text).toordinal()
        except ValueError:
            pass
        else:
            return day, day
    parsed = _parse(text)
    return parsed[4], parsed[5]


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


# ---- the lenient parser (SPEC §2) ----------------------------------------------------------
#
# python-dateutil gives the words (month and weekday names, in English); the grammar is this
# module's own, so that what the text says is never changed: dateutil's parser cuts "../1944"
# down to 1944, reads "03.04.1967 10:00" month-first and swaps a year-first date when told
# `dayfirst`, and its messages are about its internals ("second must be in 0..59").


@functools.cache
def _words() -> dateutil.parser.parserinfo:
    """The month and weekday names of dateutil, imported on first use (checks never need them)."""
    import dateutil.parser

    return dateutil.parser.parserinfo()


_TIME_OF_DAY: Final = re.compile(
    r"(?:^|(?<=[0-9])T|[\s,]+)"
    r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]{1,9})?)?"
    r"(?:\s*([ap])\.?\s?m\b\.?)?"
    r"(?:\s*(?:z|utc|gmt|[+-][0-9]{2}(?::?[0-9]{2})?))?"
    r"(?=$|[\s,])",
    re.IGNORECASE,
)
_TOKEN: Final = re.compile(r"[0-9]+|[^\W\d_]+|\s+|[./,-]|.", re.DOTALL)
_ORDINALS: Final = frozenset({"st", "nd", "rd", "th"})
_FILLERS: Final = frozenset({"of", "the", "on"})
_DASHES: Final = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_NUMERIC_SEPARATORS: Final = frozenset({".", "/", "-", " "})
# "Saturday, the 26th of February 2022, 10:00:00 a.m. UTC" is 55 characters
_LONGEST: Final = 100


def _shown(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:60] + "...")


def _refuse(text: str, why: str) -> InvalidDate:
    return InvalidDate(f"cannot read {_shown(text)} as one date: {why}")


def parse_lenient(text: str, *, dayfirst: bool | None = None) -> PartialDate:
    """Read a date written as people write it ("26 February 2022", "May 1962", "1962").

    The result has the precision the text really gives: a month or a day is never invented,
    and every number of the result is written in the text (a month may also be its English
    name). A strict partial date is accepted as it is, and so is a trailing ``?``, ``~`` or
    ``%``. A time of day is ignored; the date is judged by its date part alone. An all-numeric
    date whose day and month could be swapped ("03/04/2022") is refused unless ``dayfirst``
    says which comes first; a year-first date ("1985/11/10") is year, month, day whatever
    ``dayfirst`` says. An interval, an open end, a range or a sign ("../1944", "1957-05-01/",
    "1967/1968", "-1959") is refused, never cut down to one date.

    >>> parse_lenient("26 February 2022")
    <PartialDate('2022-02-26')>
    >>> parse_lenient("May 1962")
    <PartialDate('1962-05')>
    >>> parse_lenient("03/04/2022", dayfirst=True)
    <PartialDate('2022-04-03')>
    >>> parse_lenient("1986-11-03 00:00:00", dayfirst=True)
    <PartialDate('1986-11-03')>
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
    if len(cleaned) > _LONGEST:
        raise _refuse(text, f"it is {len(cleaned)} characters long; no date needs {_LONGEST}")
    qualifier = ""
    if cleaned[-1] in "?~%":
        qualifier, cleaned = cleaned[-1], cleaned[:-1].rstrip()
    date_part = _without_time_of_day(text, cleaned)
    if not date_part:
        raise _refuse(text, "it gives a time of day but no date")
    _refuse_intervals(text, date_part)
    year, month, day, weekday = _read_parts(text, date_part, dayfirst)
    if not 1 <= year <= 9999:
        raise _refuse(text, f"the year {year:04d} is outside the years 0001 to 9999")
    if month is None:
        return PartialDate(f"{year:04d}{qualifier}")
    if not 1 <= month <= 12:  # e.g. the compact "19191919"
        raise _refuse(text, f"there is no month {month} (months are 1 to 12)")
    if day is None:
        if weekday is not None:
            raise _refuse(text, "it names a weekday but no day of the month")
        return PartialDate(f"{year:04d}-{month:02d}{qualifier}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        raise _refuse(text, f"{name} {year:04d} has days 1 to {last} (got day {day})")
    if weekday is not None and dt.date(year, month, day).weekday() != weekday:
        found = calendar.day_name[dt.date(year, month, day).weekday()]
        raise _refuse(
            text,
            f"it names a {calendar.day_name[weekday]}, but {year:04d}-{month:02d}-{day:02d} "
            f"is a {found}",
        )
    return PartialDate(f"{year:04d}-{month:02d}-{day:02d}{qualifier}")


def _without_time_of_day(text: str, cleaned: str) -> str:
    """The text with one time of day taken out; a time that is no time is refused."""
    found = list(_TIME_OF_DAY.finditer(cleaned))
    if len(found) > 1:
        raise _refuse(text, "it gives more than one time of day")
    if not found:
        rest = cleaned
    else:
        match = found[0]
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        half_day = match.group(4)
        hours = range(1, 13) if half_day else range(24)
        if hour not in hours or minute > 59 or second > 60:
            raise _refuse(text, f"{match.group(0).strip(' ,')!r} is not a time of day")
        rest = (cleaned[: match.start()] + " " + cleaned[match.end() :]).strip(" ,")
    if ":" in rest:
        raise _refuse(text, "a ':' that is not part of a time of day such as 10:00")
    return rest.strip()


def _refuse_intervals(text: str, date_part: str) -> None:
    if ".." in date_part:
        raise _refuse(text, "'..' marks an interval or an open end, which is not one date")
    if date_part[0] in _DASHES or date_part[0] == "+":
        raise _refuse(text, f"it starts with a sign or an open end ({date_part[0]!r})")
    if date_part[0] == "/" or date_part[-1] in "/" + _DASHES:
        raise _refuse(text, "an open end ('/' or a dash at one end) is not one date")
    for dash in _DASHES[1:]:
        if dash in date_part:
            raise _refuse(text, f"{dash!r} marks a range, which is not one date")


def _read_parts(
    text: str, date_part: str, dayfirst: bool | None
) -> tuple[int, int | None, int | None, int | None]:
    """``(year, month, day, weekday)`` of a date part without a time of day."""
    numbers: list[str] = []
    ordinal_days: list[str] = []
    gaps: list[str] = []  # the punctuation between consecutive numbers ("word": a word)
    gap: str | None = None
    months: list[int] = []
    weekdays: list[int] = []
    previous = ""
    for match in _TOKEN.finditer(date_part):
        token = match.group(0)
        if token.isascii() and token.isdigit():
            if len(token) > 8:
                raise _refuse(text, f"a number of {len(token)} digits is no part of a date")
            if gap is not None:
                gaps.append(gap or " ")
            numbers.append(token)
            gap = ""
        elif token.isalpha():
            word = token.casefold()
            if previous.isascii() and previous.isdigit() and word in _ORDINALS:
                ordinal_days.append(previous)
                previous = token
                continue
            if (month := _words().month(word)) is not None:
                months.append(month)
            elif (weekday := _words().weekday(word)) is not None:
                weekdays.append(weekday)
            elif word not in _FILLERS:
                raise _refuse(text, f"{token!r} is not a month or weekday name (in English)")
            if gap is not None:
                gap = "word"
        elif token in "./,-":
            if gap is not None and gap != "word":
                gap += token
        elif not token.isspace():
            raise _refuse(text, f"it holds {token!r}, which is no part of a date")
        previous = token
    if date_part[-1] not in ".0123456789" and not date_part[-1].isalpha():
        raise _refuse(text, f"it ends with {date_part[-1]!r}")
    if len(months) > 1 or len(weekdays) > 1:
        raise _refuse(text, "it names more than one month or weekday: a range is not one date")
    years = [n for n in numbers if len(n) == 4]
    if len(years) > 1:
        raise _refuse(
            text, f"it gives {len(years)} years ({', '.join(years)}): a range is not one date"
        )
    weekday = weekdays[0] if weekdays else None
    if len(numbers) == 1 and len(numbers[0]) == 8 and not months:
        digits = numbers[0]
        return int(digits[:4]), int(digits[4:6]), int(digits[6:]), weekday
    if not years:
        raise _refuse(text, "it gives no four-digit year; a century is never guessed")
    others = [n for n in numbers if len(n) != 4]
    for number in others:
        if len(number) > 2:
            raise _refuse(text, f"{number!r} is neither a day, a month nor a four-digit year")
    year = int(years[0])
    if months:
        if len(others) > 1:
            raise _refuse(text, f"it gives {len(others)} days ({', '.join(others)})")
        return year, months[0], (int(others[0]) if others else None), weekday
    kinds = set(gaps)
    if len(kinds) > 1 or not kinds <= _NUMERIC_SEPARATORS:
        shown = " and ".join(repr(s) for s in sorted(kinds))
        raise _refuse(text, f"its numbers are separated by {shown}, not by one of '.', '/', '-'")
    separator = next(iter(kinds), "")
    if len(numbers) == 1:
        return year, None, None, weekday
    if len(numbers) == 2 and numbers[0] == years[0]:
        if separator == "/":
            raise _refuse(
                text, f"in {date_part!r} the number after '/' could be a month or a range's end"
            )
        return year, int(numbers[1]), None, weekday
    if len(numbers) == 2:
        return year, _month(text, int(numbers[0])), None, weekday
    if len(numbers) == 3 and numbers[0] == years[0]:
        # year first: year, month, day whatever dayfirst says
        return year, _month(text, int(numbers[1])), int(numbers[2]), weekday
    if len(numbers) == 3 and numbers[2] == years[0]:
        first, second = int(numbers[0]), int(numbers[1])
        if numbers[1] in ordinal_days and numbers[0] not in ordinal_days:
            first, second = second, first
        elif numbers[0] not in ordinal_days:
            readings = [(d, m) for d, m in ((first, second), (second, first)) if 1 <= m <= 12]
            readings = [(d, m) for d, m in readings if 1 <= d <= calendar.monthrange(year, m)[1]]
            if not readings:
                raise _refuse(text, "neither number before the year can be the month")
            if len(set(readings)) > 1 and dayfirst is None:
                raise InvalidDate(
                    f"{_shown(text)} could be day/month or month/day; say which comes first "
                    "(dayfirst)"
                )
            if len(set(readings)) > 1 and not dayfirst:
                first, second = second, first
            else:
                first, second = readings[0] if len(set(readings)) == 1 else (first, second)
        return year, _month(text, second), first, weekday
    raise _refuse(text, "it does not say which of its numbers is the day, the month and the year")


def _month(text: str, month: int) -> int:
    if not 1 <= month <= 12:
        raise _refuse(text, f"{month} is not a month")
    return month
