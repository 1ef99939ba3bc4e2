"""Partial dates (SPEC §2): the strict record syntax, intervals, order, and the lenient parser."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from sistercity import InvalidDate, PartialDate, Precision, SisterCityError, parse_lenient

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
