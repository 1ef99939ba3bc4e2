"""Partial dates (SPEC §2): the strict record syntax, intervals, order, and the lenient parser."""

from __future__ import annotations

import calendar
import datetime as dt
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sistercity import InvalidDate, PartialDate, Precision, SisterCityError, parse_lenient
from sistercity._dates import ordinals

D = dt.date


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "qualifier"),
    [
        ("1962", D(1962, 1, 1), D(1962, 12, 31), Precision.YEAR, None),
        ("1962-02", D(1962, 2, 1), D(1962, 2, 28), Precision.MONTH, None),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), Precision.MONTH, None),
        ("2022-02-26", D(2022, 2, 26), D(2022, 2, 26), Precision.DAY, None),
        ("1944?", D(1944, 1, 1), D(1944, 12, 31), Precision.YEAR, "?"),
        ("1962-05~", D(1962, 5, 1), D(1962, 5, 31), Precision.MONTH, "~"),
        ("2000-02-29%", D(2000, 2, 29), D(2000, 2, 29), Precision.DAY, "%"),
        ("0001", D(1, 1, 1), D(1, 12, 31), Precision.YEAR, None),
        ("9999-12", D(9999, 12, 1), D(9999, 12, 31), Precision.MONTH, None),
    ],
)
def test_parse(
    text: str, earliest: dt.date, latest: dt.date, precision: Precision, qualifier: str | None
) -> None:
    d = PartialDate.parse(text)
    assert (d.earliest, d.latest, d.precision, d.qualifier) == (
        earliest,
        latest,
        precision,
        qualifier,
    )
    assert str(d) == text
    assert repr(d) == f"<PartialDate({text!r})>"


def test_qualifier_flags() -> None:
    assert PartialDate("1962?").uncertain and not PartialDate("1962?").approximate
    assert PartialDate("1962~").approximate and not PartialDate("1962~").uncertain
    assert PartialDate("1962%").uncertain and PartialDate("1962%").approximate
    assert not PartialDate("1962").uncertain


@pytest.mark.parametrize(
    "text",
    [
        "2022-02-30",  # not in the calendar
        "2023-02-29",
        "1962-13",
        "1962-00",
        "1962-05-00",
        "0000",
        "62",
        "196",
        "19620",
        "1962-5",
        "1962-05-1",
        "1962/05/01",
        "26 February 2022",
        "1962-05-01T00:00",
        "+1962",
        " 1962",
        "1962 ",
        "1962??",
        "1962?~",
        "?1962",
        "",
        "\uff11\uff19\uff16\uff12",  # full-width digits are not ASCII digits
        "\u0661\u0669\u0666\u0662",  # Arabic-Indic digits
    ],
)
def test_invalid_dates_are_refused(text: str) -> None:
    with pytest.raises(InvalidDate) as info:
        PartialDate.parse(text)
    assert isinstance(info.value, ValueError) and isinstance(info.value, SisterCityError)
    assert repr(text) in str(info.value)


def test_a_non_string_is_refused_with_its_type() -> None:
    with pytest.raises(InvalidDate, match="got int"):
        PartialDate(1962)  # type: ignore[arg-type]


def test_equality_and_hash_keep_the_qualifier() -> None:
    assert PartialDate("1962") != PartialDate("1962?")
    assert PartialDate("1962") == PartialDate("1962")
    assert len({PartialDate("1962"), PartialDate("1962"), PartialDate("1962~")}) == 2
    assert PartialDate("1962") != "1962"


def test_sort_order_of_the_spec() -> None:
    texts = ["1962-05-01", "1962-05", "1961-12-31", "1962", "1962%", "1962~", "1962?"]
    assert [str(d) for d in sorted(map(PartialDate, texts))] == [
        "1961-12-31",
        "1962",
        "1962?",
        "1962~",
        "1962%",
        "1962-05",
        "1962-05-01",
    ]


def test_less_than_is_sort_order_not_definitely_before() -> None:
    year, may = PartialDate("1962"), PartialDate("1962-05")
    assert year < may
    assert not year.definitely_before(may)
    assert PartialDate("1962").definitely_before(PartialDate("1963-01"))
    assert not PartialDate("1962-12-31").definitely_before(PartialDate("1962"))


def test_comparing_with_a_foreign_type_is_not_implemented() -> None:
    with pytest.raises(TypeError):
        _ = PartialDate("1962") < "1963"
    with pytest.raises(TypeError):
        _ = PartialDate("1962") >= dt.date(1963, 1, 1)


def test_pickle_round_trip() -> None:
    d = PartialDate("1962-05~")
    assert pickle.loads(pickle.dumps(d)) == d


def test_from_date() -> None:
    assert PartialDate.from_date(D(2022, 2, 26)) == PartialDate("2022-02-26")
    assert str(PartialDate.from_date(D(1962, 1, 1), "?")) == "1962-01-01?"


# ---- the lenient parser ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("26 February 2022", "2022-02-26", Precision.DAY),
        ("February 26, 2022", "2022-02-26", Precision.DAY),
        ("26th of February 2022", "2022-02-26", Precision.DAY),
        ("26.02.2022", "2022-02-26", Precision.DAY),
        ("2022/02/26", "2022-02-26", Precision.DAY),
        ("13/04/2022", "2022-04-13", Precision.DAY),  # 13 cannot be a month
        ("04/04/2022", "2022-04-04", Precision.DAY),  # both readings agree
        ("May 1962", "1962-05", Precision.MONTH),
        ("Feb 2022", "2022-02", Precision.MONTH),
        ("  May 1962 ", "1962-05", Precision.MONTH),
        ("1962", "1962", Precision.YEAR),
        ("1962?", "1962?", Precision.YEAR),  # a strict date is taken as it is
        ("1962-05", "1962-05", Precision.MONTH),
    ],
)
def test_lenient_finds_the_precision_the_text_gives(
    text: str, expected: str, precision: Precision
) -> None:
    d = parse_lenient(text)
    assert d == PartialDate(expected)
    assert d.precision is precision


def test_lenient_never_invents_a_month_or_a_day() -> None:
    # a year alone is the whole year, not 1 January
    assert parse_lenient("1962").earliest == D(1962, 1, 1)
    assert parse_lenient("1962").latest == D(1962, 12, 31)
    # a month alone is the whole month, not its first day
    assert parse_lenient("February 2024").latest == D(2024, 2, 29)


def test_lenient_refuses_day_month_ambiguity_unless_told() -> None:
    with pytest.raises(InvalidDate, match="dayfirst"):
        parse_lenient("03/04/2022")
    assert parse_lenient("03/04/2022", dayfirst=True) == PartialDate("2022-04-03")
    assert parse_lenient("03/04/2022", dayfirst=False) == PartialDate("2022-03-04")


@pytest.mark.parametrize(
    "text",
    [
        "May 62",  # a century is never guessed
        "26 February",  # no year
        "30 February 2022",  # not in the calendar
        "2022-02-30",
        "Spring 1962",
        "sometime in 1962",
        "",
        "   ",
    ],
)
def test_lenient_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_lenient(text)


def test_lenient_refuses_a_non_string() -> None:
    with pytest.raises(InvalidDate, match="got int"):
        parse_lenient(2022)  # type: ignore[arg-type]


# ---- the lenient parser never changes what the text says (SPEC §2) -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "../1962",  # EDTF open start
        "1962/..",  # EDTF open end
        "1962-05..1963",
        "1971-08/",  # an open end cut off
        "/1971-08-02",
        "1950/1960",  # an interval of years
        "1962-05-01/1963-02",
        "2 May 1962/1963",
        "1962-1963",
        "1962 \u2013 1963",  # en dash
        "May\u2013June 1962",
        "-1962",  # signs
        "+1962",
        "\u22121962",
        "-12.05.1962",
        "1962-",
        "12/05/1962/",
    ],
)
def test_lenient_refuses_intervals_open_ends_ranges_and_signs(text: str) -> None:
    for dayfirst in (None, True, False):
        with pytest.raises(InvalidDate, match="cannot read"):
            parse_lenient(text, dayfirst=dayfirst)


@pytest.mark.parametrize(
    ("text", "day_first", "month_first"),
    [
        ("05.06.1970 12:30", "1970-06-05", "1970-05-06"),
        ("05/06/1970 23:59:59", "1970-06-05", "1970-05-06"),
        ("11-12-2001 8:15 pm", "2001-12-11", "2001-11-12"),
        ("7 8 1999 00:00", "1999-08-07", "1999-07-08"),
        ("01.02.1980, 10:00 UTC", "1980-02-01", "1980-01-02"),
    ],
)
def test_a_time_of_day_does_not_settle_the_day_month_order(
    text: str, day_first: str, month_first: str
) -> None:
    with pytest.raises(InvalidDate, match="dayfirst"):
        parse_lenient(text)
    assert parse_lenient(text, dayfirst=True) == PartialDate(day_first)
    assert parse_lenient(text, dayfirst=False) == PartialDate(month_first)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1970-06-05 00:00:00", "1970-06-05"),
        ("1970-06-05T14:00:00+02:00", "1970-06-05"),
        ("1970/06/05", "1970-06-05"),
        ("1970.6.5", "1970-06-05"),
        ("1970-6", "1970-06"),
        ("19700605", "1970-06-05"),
    ],
)
def test_a_year_first_date_is_year_month_day_whatever_dayfirst_says(
    text: str, expected: str
) -> None:
    for dayfirst in (None, True, False):
        assert parse_lenient(text, dayfirst=dayfirst) == PartialDate(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.06.1970 12:30", None),
        ("25.06.1970 12:30", "1970-06-25"),  # 25 is no month: no ambiguity
        ("June 5, 1970 9:30 am", "1970-06-05"),
        ("Friday, 5 June 1970", "1970-06-05"),
        ("the 5th of June, 1970", "1970-06-05"),
        ("5th 6 1970", "1970-06-05"),  # the ordinal marks the day
        ("06/1970", "1970-06"),
        ("1970.", "1970"),
        ("June 1970~", "1970-06~"),
    ],
)
def test_lenient_reads_what_the_text_says(text: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(InvalidDate):
            parse_lenient(text)
    else:
        assert parse_lenient(text) == PartialDate(expected)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("05.06.1970 25:00", "'25:00' is not a time of day"),
        ("5 June 1970 10:61", "not a time of day"),
        ("31 June 1970", "June 1970 has days 1 to 30"),
        ("31.06.1970", "neither number before the year can be the month"),
        ("Monday, 5 June 1970", "names a Monday, but 1970-06-05 is a Friday"),
        ("June 70", "no four-digit year"),
        ("1970/06", "could be a month or a range's end"),
        ("Juni 1970", "'Juni' is not a month or weekday name"),
        ("1" * 90 + " June 1970", "a number of 90 digits"),
        ("5 June" + " " * 100_000 + "1970", "100010 characters long"),
    ],
)
def test_lenient_errors_are_its_own(text: str, says: str) -> None:
    with pytest.raises(InvalidDate) as raised:
        parse_lenient(text)
    message = str(raised.value)
    assert says in message
    assert len(message) < 300
    # dateutil's own texts never reach the user
    for foreign in ("Unknown string format", "must be in", "out of range", "String does not"):
        assert foreign not in message


# ---- properties ------------------------------------------------------------------------------

_MONTH_NAMES = [*calendar.month_name[1:], "Sept"]
_PIECES = [
    *"0123456789",
    *"0123456789",
    ".",
    "/",
    "-",
    " ",
    ":",
    ",",
    "T",
    "?",
    "~",
    "..",
    "\u2013",
    "19",
    "20",
    "1962",
    "st",
    "th",
    "of",
    "Friday",
    *(name[:3] for name in _MONTH_NAMES),
    *_MONTH_NAMES,
]
date_like_texts = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


def _digits_come_from(text: str, result: PartialDate) -> bool:
    numbers = re.findall(r"[0-9]+", text)
    pieces = {int(n) for n in numbers if len(n) <= 2}
    years = {n for n in numbers if len(n) == 4}
    for n in (n for n in numbers if len(n) == 8):
        years.add(n[:4])
        pieces |= {int(n[4:6]), int(n[6:])}
    if f"{result.year:04d}" not in years:
        return False
    folded = text.casefold()
    # "Sept" and "September" hold "sep"
    named = result.month is not None and calendar.month_abbr[result.month].casefold() in folded
    if result.month is not None and result.month not in pieces and not named:
        return False
    return result.day is None or result.day in pieces


@given(st.one_of(date_like_texts, st.text(max_size=30)), st.sampled_from([None, True, False]))
def test_lenient_gives_a_strict_date_made_of_the_texts_own_digits(
    text: str, dayfirst: bool | None
) -> None:
    """SPEC §2: lenient parsing "never changes what the text says".

    Whatever ``parse_lenient`` returns, ``PartialDate.parse(str(result))`` gives it back, and
    its year, month and day are numbers written in the text (a month may be its name).
    """
    try:
        result = parse_lenient(text, dayfirst=dayfirst)
    except InvalidDate:
        return
    assert PartialDate.parse(str(result)) == result
    assert str(PartialDate.parse(str(result))) == str(result)
    assert _digits_come_from(text, result), (text, result)


@st.composite
def written_days(draw: st.DrawFn) -> tuple[str, dt.date, bool]:
    """A day written day-first or month-first, with separators and maybe a time of day."""
    day = draw(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
    separator = draw(st.sampled_from([".", "/", "-", " "]))
    day_first = draw(st.booleans())
    first, second = (day.day, day.month) if day_first else (day.month, day.day)
    pad = draw(st.booleans())
    parts = [f"{first:02d}" if pad else str(first), f"{second:02d}" if pad else str(second)]
    text = separator.join([*parts, f"{day.year:04d}"])
    text += draw(st.sampled_from(["", " 00:00", " 10:00:00", "T23:59", " 9:05 pm"]))
    return text, day, day_first


@given(written_days())
def test_day_month_order_is_refused_exactly_when_ambiguous(case: tuple[str, dt.date, bool]) -> None:
    """SPEC §2: all-numeric day/month ambiguity is refused unless told which comes first."""
    text, day, day_first = case
    assert parse_lenient(text, dayfirst=day_first) == PartialDate.from_date(day)
    if day.day != day.month and day.day <= 12:
        with pytest.raises(InvalidDate, match="dayfirst"):
            parse_lenient(text)
    else:
        assert parse_lenient(text) == PartialDate.from_date(day)


@given(
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from([9, 10, 11]),
    st.sampled_from(["../{}", "{}/..", "{}/", "/{}", "-{}", "+{}", "{}/{}", "{}..{}"]),
)
def test_an_interval_around_any_date_is_refused(day: dt.date, digits: int, shape: str) -> None:
    """SPEC §2: an interval, an open end, a range or a sign is refused, never cut down."""
    text = shape.format(*[day.isoformat()[: {9: 4, 10: 7, 11: 10}[digits]]] * shape.count("{}"))
    for dayfirst in (None, True, False):
        with pytest.raises(InvalidDate):
            parse_lenient(text, dayfirst=dayfirst)


@pytest.mark.parametrize("text", ["19191919", "19621301", "19620001", "20241399"])
def test_lenient_refuses_a_compact_date_whose_month_is_no_month(text: str) -> None:
    """An eight-digit date (YYYYMMDD) whose middle digits are no month is InvalidDate, not
    the calendar module's IllegalMonthError (found by Hypothesis on "19191919")."""
    with pytest.raises(InvalidDate, match="there is no month"):
        parse_lenient(text)


# ``ordinals`` reads YYYY-MM-DD through ``datetime.date.fromisoformat`` and everything else
# through the general reader: the two must agree on every text of that shape, including the
# near misses (a non-ASCII digit, a letter, a sign, a week date, day 0, 29 February).
_NEAR_DIGITS = st.sampled_from([*"0123456789", "0", "1", "2", "9", "٣", "a", "W", "+", " ", "-"])


@given(
    st.lists(_NEAR_DIGITS, min_size=8, max_size=8),
    st.sampled_from(["", "?", "~", "%", "!", "-", "Z"]),
    st.sampled_from(["-", "W", "/", "-"]),
)
def test_ordinals_of_a_day_agree_with_the_general_reader(
    digits: list[str], tail: str, separator: str
) -> None:
    text = "".join(digits[:4]) + "-" + "".join(digits[4:6]) + separator + "".join(digits[6:]) + tail
    try:
        general = PartialDate(text)
    except InvalidDate:
        with pytest.raises(InvalidDate):
            ordinals(text)
    else:
        assert ordinals(text) == (general.earliest.toordinal(), general.latest.toordinal())


@given(st.dates(min_value=dt.date(1, 1, 1)), st.sampled_from(["", "?", "~", "%"]))
def test_ordinals_of_every_calendar_day(day: dt.date, qualifier: str) -> None:
    assert ordinals(day.isoformat() + qualifier) == (day.toordinal(), day.toordinal())
