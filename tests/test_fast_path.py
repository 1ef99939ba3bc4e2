"""The fast paths of the one-pass record check agree with the detailed ones.

``check_record(raw, build=False)`` (what ``validate --no-collection`` runs) checks a record
without building any model object; ``build=True`` builds the :class:`Agreement` from the values
the pass has already checked, without running the constructors' checks again. The detailed
path is the public constructors (``City``, ``FormerName``, ``Event``, ``Agreement``), which
convert every value and run the full check. These properties hold them together.

``quick_check`` (what ``validate`` runs first on every record) vouches for a record with no
error in one quick read, and gives up on anything else; ``full_check`` is the definition of the
rules. The quick answer must be the full answer: the same issues (warnings only) and the same
collection summary, and it may give up only where the full pass finds an error or a warning
the quick check does not word.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import io as stdio
import sys
import unicodedata
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity import (
    Agreement,
    City,
    Event,
    FormerName,
    InvalidAgreement,
    _fields,
    _record,
    cli,
    to_dict,
    validation,
)
from sistercity import io as recordio
from sistercity._catalogue import RuleSelection
from sistercity._dates import InvalidDate, PartialDate, ordinals
from sistercity._fields import (
    AGREEMENT_KEYS,
    EVENT_KEYS,
    FORMER_NAME_KEYS,
    PARTY_KEYS,
)
from sistercity._read import Item
from sistercity._record import check_record, full_check, quick_check
from sistercity._report import Issue, RecordRef, Severity
from sistercity.cli import _args as cli_args
from sistercity.strategies import broken_cases, broken_records, partial_dates, records
from sistercity.validation import PackedRecord, RecordMemo, Validation

TODAY = dt.date(2025, 6, 1)


def _extensions(obj: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    """Every key that is not a field: the ``x-`` keys, and any unknown key (to be refused)."""
    return {key: value for key, value in obj.items() if key not in known}


def _former(raw: dict[str, Any]) -> FormerName:
    return FormerName(
        raw["name"],
        raw["until"],
        from_=raw.get("from"),
        country=raw.get("country"),
        extensions=_extensions(raw, FORMER_NAME_KEYS),
    )


def _city(raw: dict[str, Any]) -> City:
    return City(
        raw["name"],
        raw["country"],
        subdivision=raw.get("subdivision"),
        level=raw.get("level", "municipality"),
        wikidata=raw.get("wikidata"),
        geonames=raw.get("geonames"),
        former_names=[_former(f) for f in raw.get("former_names", ())],
        extensions=_extensions(raw, PARTY_KEYS),
    )


def _event(raw: dict[str, Any]) -> Event:
    return Event(
        raw["type"],
        raw.get("date"),
        by=raw.get("by"),
        reason=raw.get("reason"),
        source=raw.get("source"),
        body=raw.get("body"),
        decided=raw.get("decided"),
        announced=raw.get("announced"),
        condition=raw.get("condition"),
        extensions=_extensions(raw, EVENT_KEYS),
    )


def _construct(raw: dict[str, Any]) -> Agreement:
    """The detailed path: every object through its public constructor and its own check."""
    return Agreement(
        raw["id"],
        raw["kind"],
        [_city(p) for p in raw["parties"]],
        [_event(e) for e in raw.get("events", ())],
        term=raw.get("term"),
        sources=raw.get("sources", ()),
        supersedes=raw.get("supersedes"),
        notes=raw.get("notes"),
        extensions=_extensions(raw, AGREEMENT_KEYS),
    )


@settings(max_examples=150, deadline=None)
@given(records())
def test_a_valid_record_builds_the_agreement_the_constructors_build(raw: dict[str, Any]) -> None:
    """Fast path = detailed path on valid records: the agreement that the pass builds from its
    checked values equals (and hashes like, and writes like) the one the constructors build."""
    issues, fast = check_record(raw, today=TODAY)
    assert not [issue for issue in issues if issue.is_error]
    assert fast is not None
    detailed = _construct(raw)
    assert fast == detailed
    assert hash(fast) == hash(detailed)
    assert to_dict(fast) == to_dict(detailed) == raw
    assert all(type(p) is City for p in fast.parties)
    assert all(type(e) is Event for e in fast.events)


@settings(max_examples=150, deadline=None)
@given(st.one_of(records(), broken_cases().map(lambda case: case.record)))
def test_checking_without_building_reports_the_same(raw: dict[str, Any]) -> None:
    """The check-only path (``build=False``, no model objects) accepts and rejects exactly the
    records that the building path does, with the same issues."""
    built_issues, agreement = check_record(raw, today=TODAY, build=True)
    checked_issues, nothing = check_record(raw, today=TODAY, build=False)
    assert checked_issues == built_issues
    assert nothing is None
    assert (agreement is None) == any(issue.is_error for issue in built_issues)


@settings(max_examples=150, deadline=None)
@given(broken_cases())
def test_a_broken_record_is_refused_by_both_paths(case: Any) -> None:
    """A record that breaks one error rule: the pass refuses it naming that rule, and the
    detailed path refuses it too (a constructor raises, never builds it)."""
    issues, agreement = check_record(case.record, today=TODAY)
    assert agreement is None
    assert case.rule in {issue.rule for issue in issues if issue.is_error}
    try:
        built = _construct(case.record)
    except (InvalidAgreement, KeyError, TypeError, ValueError):
        return
    raise AssertionError(f"the constructors built a broken record: {built!r}")


def test_the_date_cache_stays_bounded() -> None:
    """Parsed partial dates are shared by text, but the cache never grows past its bound, so
    memory stays flat however many distinct dates a long input holds."""
    day = dt.date(1900, 1, 1)
    for offset in range(_fields._DATES_MAX + 500):
        text = (day + dt.timedelta(days=offset)).isoformat()
        raw = {
            "id": "a",
            "kind": "twinning",
            "parties": [{"name": "A", "country": "DE"}, {"name": "B", "country": "FR"}],
            "events": [{"type": "signed", "date": text}],
            "sources": ["https://example.org"],
        }
        _, agreement = check_record(raw, today=TODAY)
        assert agreement is not None and str(agreement.events[0].date) == text
        assert len(_fields._DATES) <= _fields._DATES_MAX


class _DateText(str):
    """A str subclass: the pass reads it through PartialDate, as any value it does not cache."""


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        partial_dates().map(str),
        partial_dates().map(lambda date: _DateText(str(date))),
        st.text(alphabet="0123456789-?~%x ", max_size=12),
        st.sampled_from(
            ["1962-02-29", "2000-02-29", "0000", "1962-13", "26 February 2022", "1" * 150]
        ),
    )
)
def test_the_pass_reads_a_date_as_partial_date_does(text: str) -> None:
    """FieldCheck.date keeps a span of days (from SPANS) where it kept a PartialDate: the
    same days, the same text shown, the same object built, and the same issue when none,
    whether the text is read for the first time or again (from SPANS or NOT_DATES)."""
    check = _fields.FieldCheck(None)
    dated = check.date(text, "date", "$")
    try:
        expected = PartialDate(text)
    except InvalidDate as exc:
        assert dated is None
        assert [(i.rule, i.path) for i in check.issues] == [("invalid-date", "$.date")]
        message = check.issues[0].message
        assert message.startswith(f"'date': {exc}")
        hint = message.removeprefix(f"'date': {exc}")
        assert hint == "" or hint.startswith("; did you mean ")
        assert check.date(text, "date", "$") is None
        assert check.issues[1] == check.issues[0]
        return
    assert not check.issues and dated is not None
    assert dated[:2] == (expected.earliest.toordinal(), expected.latest.toordinal())
    assert f"{dated[2]}" == f"{expected}"
    built = _fields.partial_date(dated[2])
    assert built == expected and repr(built) == repr(expected)
    again = check.date(expected, "date", "$")  # a PartialDate is taken as it is
    assert again is not None and again[:2] == dated[:2] and again[2] is expected


class _Quiet(str):
    """A str subclass that reads as its text: by_text words it afresh (never from memory)."""


class _Loud(str):
    """A str subclass that shows itself otherwise: its words must not be taken from memory."""

    def __repr__(self) -> str:
        return str.__repr__(self).upper()


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=8)
    | st.sampled_from(["reasn", "Twinning", "sister city", "twining", "x" * 101, "y" * 100]),
    st.sampled_from([AGREEMENT_KEYS, PARTY_KEYS, EVENT_KEYS, FORMER_NAME_KEYS]),
)
def test_remembered_words_are_the_words(text: str, fields: tuple[str, ...]) -> None:
    """The words of an unknown key and of an invalid kind are remembered by text (by_text);
    asked again, or for another object's fields, they are the words made afresh, and a str
    subclass that shows itself otherwise gets its own."""
    for known in (frozenset(fields), frozenset(AGREEMENT_KEYS)):
        fresh = _fields._unknown_key(_Quiet(text), known)
        assert _fields._unknown_key(text, known) == fresh
        assert _fields._unknown_key(text, known) == fresh
        assert _fields._unknown_key(_Loud(text), known) == fresh.replace(
            repr(text), repr(text).upper(), 1
        )
    fresh = _record._invalid_kind(_Quiet(text))
    assert _record._invalid_kind(text) == fresh
    assert _record._invalid_kind(text) == fresh


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=6)
    | st.sampled_from(["Kiel", " ", "", "\u3000", "Ki\x85el", "K\x7f", "\ud800x", "Łódź"])
)
def test_a_name_is_valid_as_the_spec_says(name: str) -> None:
    """valid_name answers a printable name at once: SPEC §4's rule (not blank, no control
    character, Unicode category Cc) and §5's (no lone surrogate) decide every name."""
    check = _fields.FieldCheck(None)
    surrogate = any("\ud800" <= c <= "\udfff" for c in name)
    control = any(unicodedata.category(c) == "Cc" for c in name)
    valid = check.valid_name(name, "$.parties[0]")
    assert valid == (not surrogate and bool(name.strip()) and not control)
    rules = [(i.rule, i.path) for i in check.issues]
    if surrogate:
        assert rules == [("malformed-record", "$.parties[0].name")]
    elif not valid:
        assert rules == [("invalid-name", "$.parties[0].name")]


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=6)
    | st.text(min_size=195, max_size=205)
    | st.sampled_from(["rec-1", "a b", "a\u00a0b", "a\u2028", "a\x85", "\ud800", "a\u200bb"])
)
def test_an_id_is_valid_as_the_spec_says(rid: str) -> None:
    """check_id answers a printable id with no space at once: 1 to 200 characters without
    white space (SPEC §4) and no lone surrogate (§5) decide every id."""
    check = _fields.FieldCheck(None)
    surrogate = any("\ud800" <= c <= "\udfff" for c in rid)
    valid = _fields.check_id(check, rid, "$.id", "id")
    assert valid == (not surrogate and 1 <= len(rid) <= 200 and not any(c.isspace() for c in rid))
    rules = [(i.rule, i.path) for i in check.issues]
    if surrogate:
        assert rules == [("malformed-record", "$.id")]
    elif not valid:
        assert rules == [("invalid-id", "$.id")]


@settings(max_examples=200, deadline=None)
@given(st.one_of(records(), broken_cases().map(lambda case: case.record)), st.data())
def test_a_bare_event_reads_as_one_with_an_extension(raw: dict[str, Any], data: Any) -> None:
    """An event with no key but type, date and by takes a short way through FieldCheck.event;
    with an extension key added it takes the whole way, and must read the same (any event)."""
    events = [e for e in raw.get("events") or () if isinstance(e, dict)]
    if not events:
        return
    event = data.draw(st.sampled_from(events))
    # its type, date and by, and at most one other key (so bare or nearly)
    other = data.draw(st.sampled_from([None, *sorted(event.keys() - {"type", "date", "by"})]))
    event = {key: value for key, value in event.items() if key in {"type", "date", "by", other}}
    short, whole = _fields.FieldCheck(TODAY), _fields.FieldCheck(TODAY)
    parts, kind, date = short.event(event, "$.events[0]")
    parts_x, kind_x, date_x = whole.event({**event, "x-probe": 1}, "$.events[0]")
    assert parts is not None and parts_x is not None
    assert parts_x[-1] == {**parts[-1], "x-probe": 1}
    assert (parts[:-1], kind, date) == (parts_x[:-1], kind_x, date_x)
    assert short.issues == whole.issues and short.errors == whole.errors


# ---- quick_check == full_check ------------------------------------------------------------

#: The warnings the quick check words itself; on any other issue it gives up.
QUICK_WARNINGS = {"future-date", "missing-reason", "missing-source"}

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from([2**63, 2**63 - 1, -(2**63) - 1, 0, 1, 1.0, 2.0**70])
    # beyond Python's int-string limit (4,300 digits): no repr of such a value may be taken
    | st.sampled_from([4301, 5000]).map(lambda digits: 10**digits)
    | st.sampled_from([4301, 5000]).map(lambda digits: -(10**digits))
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["", " ", "Q1", "Q01", "XK", "SU", "UK", "\ud800", "\x85", "1962", "US-IL"])
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6) | st.integers(), inner, max_size=3)
    ),
    max_leaves=8,
)
_keys = st.sampled_from(
    ["id", "kind", "term", "parties", "events", "sources", "supersedes", "notes", "name",
     "country", "subdivision", "level", "wikidata", "geonames", "former_names", "type", "date",
     "by", "reason", "source", "from", "until", "x-a", "x-\ud800", "reasn"]
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A valid record with one value somewhere replaced by a hostile Python value."""
    record = copy.deepcopy(draw(records()))
    node: Any = record
    for _ in range(draw(st.integers(0, 4))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not children:
            break
        node = draw(st.sampled_from(children))[1]
    replacement = draw(_values)
    if isinstance(node, dict):
        node[draw(_keys)] = replacement
    elif node:
        node[draw(st.integers(0, len(node) - 1))] = replacement
    return record


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(records(), broken_cases().map(lambda case: case.record), mutated()),
    st.data(),
)
def test_a_null_field_or_an_extension_key_changes_no_issue(raw: Any, data: Any) -> None:
    """The record, each party and each event count the fields they read with a value, and
    look for extension and unknown keys only when that count is not every key; a null field
    or an ``x-`` key added to any of them (so that they look) changes no issue, no summary."""
    if not isinstance(raw, dict):
        return
    raw = copy.deepcopy(raw)
    found: list[tuple[dict[str, Any], tuple[str, ...]]] = [(raw, AGREEMENT_KEYS)]
    for array, keys in (("parties", PARTY_KEYS), ("events", EVENT_KEYS)):
        if isinstance(raw.get(array), list):
            found += [(part, keys) for part in raw[array] if isinstance(part, dict)]
    target, keys = data.draw(st.sampled_from(found))
    key = data.draw(st.sampled_from(["x-probe", *(k for k in keys if k not in target)]))
    issues, _, summary = full_check(raw, TODAY)
    target[key] = 1 if key == "x-probe" else None
    assert full_check(raw, TODAY)[::2] == (issues, summary)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(records(), broken_cases().map(lambda case: case.record), mutated()),
    st.sampled_from([("a.jsonl", 3, 2), (None, None, 7), ("-", None, None)]),
)
def test_the_full_pass_locates_its_issues_as_they_would_be_located(
    raw: Any, where: tuple[str | None, int | None, int | None]
) -> None:
    """Given where the record was read, the full pass makes its issues located there (as the
    quick check does): the issues that ``Item.locate``, the definition of locating an issue
    (file, line, index and the record's id), makes of the unlocated ones."""
    file, line, index = where
    issues, _, summary = full_check(raw, TODAY)
    rid = Item(raw, "any", None, None).id  # what Item.locate gives: the record id, if a string
    located = [issue.located(file=file, line=line, index=index, id=rid) for issue in issues]
    assert full_check(raw, TODAY, file, line, index)[::2] == (located, summary)


def _plain(value: Any) -> bool:
    """Whether ``value`` holds only what a JSON parser makes (no tuple, no subclass)."""
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if type(value) is list:
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def _assert_quick_is_full(raw: Any, today: dt.date) -> bool:
    """The property; returns whether the quick check answered.

    It may give up on a value no JSON parser makes (a tuple, say); on plain JSON data only
    where the full pass finds an error or a warning it does not word.
    """
    issues, _, summary = full_check(raw, today)
    quick = quick_check(raw, today)
    if quick is None:
        rules = {issue.rule for issue in issues}
        errors = any(issue.is_error for issue in issues)
        assert errors or rules - QUICK_WARNINGS or not _plain(raw), raw
        return False
    assert not any(issue.is_error for issue in issues)
    assert quick == (issues, summary)
    return True


@settings(max_examples=300, deadline=None)
@given(records(), st.sampled_from([TODAY, dt.date(1990, 1, 1), dt.date(2100, 1, 1)]))
def test_the_quick_check_vouches_for_valid_records_as_the_full_pass_does(
    raw: dict[str, Any], today: dt.date
) -> None:
    """Every generated valid record: the quick check answers (unless a warning it does not
    word is due), with the full pass's warnings and summary, whatever day today is."""
    _assert_quick_is_full(raw, today)


@settings(max_examples=300, deadline=None)
@given(broken_records())
def test_the_quick_check_gives_up_on_every_broken_record(case: tuple[str, dict[str, Any]]) -> None:
    """A record broken for one error rule is never vouched for: the full pass words it."""
    rule, raw = case
    assert quick_check(raw, TODAY) is None
    assert rule in {issue.rule for issue in full_check(raw, TODAY)[0] if issue.is_error}


@settings(max_examples=250, deadline=None)
@given(mutated())
def test_the_quick_check_agrees_with_the_full_pass_on_hostile_values(raw: Any) -> None:
    """One value anywhere replaced by null, a bool, an int beyond 64 bits or beyond Python's
    int-string limit, a float, a tuple, a lone surrogate, a near-miss code: both paths agree,
    and neither raises."""
    _assert_quick_is_full(raw, TODAY)


def test_the_quick_check_answers_for_most_valid_records() -> None:
    """The quick check is not a check that always gives up: it vouches for plain records."""
    raw = {
        "id": "a",
        "kind": "twinning",
        "parties": [
            {"name": "Kraków", "country": "PL", "wikidata": "Q31487", "x-n": [1, {"k": None}]},
            {"name": "Nürnberg", "country": "DE", "subdivision": "DE-BY", "geonames": 2861650},
        ],
        "events": [
            {"type": "signed", "date": "1979", "by": "Kraków"},
            {"type": "signed", "date": "1979-05", "by": "Nürnberg (DE)"},
            {"type": "suspended", "date": "2200"},
        ],
        "x-row": 3,
    }
    assert _assert_quick_is_full(raw, TODAY)
    issues, summary = quick_check(raw, TODAY) or ([], None)
    assert [i.rule for i in issues] == ["future-date", "missing-reason", "missing-source"]
    assert summary is not None and summary[2] == ("Q31487", "geonames:2861650")


@pytest.mark.parametrize(
    ("key", "value", "path"),
    [
        ("geonames", 10**5000, "$.parties[0].geonames"),
        ("x-big", 10**5000, "$.parties[0]['x-big']"),
        ("x-nested", [{"deep": -(10**4400)}], "$.parties[0]['x-nested'][0].deep"),
        ("name", 10**5000, "$.parties[0].name"),
        ("country", -(10**5000), "$.parties[0].country"),
    ],
    ids=["geonames", "x-value", "nested-x-value", "name", "country"],
)
def test_an_int_beyond_the_int_string_limit_is_one_malformed_record(
    key: str, value: Any, path: str
) -> None:
    """Issue 10: an int of more than 4,300 digits cannot be turned into text; it is one
    malformed-record at its path (never a traceback), and checking goes on."""
    raw = {
        "id": "a",
        "kind": "twinning",
        "parties": [{"name": "A", "country": "DE", key: value}, {"name": "B", "country": "FR"}],
        "events": [{"type": "signed", "date": "2999"}],
    }
    report = sc.validate(raw, today="2025")
    errors = [issue for issue in report if issue.is_error]
    assert [(issue.rule, issue.path) for issue in errors] == [("malformed-record", path)]
    assert "digits)" in errors[0].message
    assert "future-date" in report.rules()  # checking went on


@pytest.mark.parametrize(
    ("raw_part", "path"),
    [
        ({"sources": "https://example.org"}, "$.sources"),
        ({"parties": "AB"}, "$.parties"),
        ({"events": "x"}, "$.events"),
    ],
)
def test_a_str_where_a_list_belongs_is_malformed(raw_part: dict[str, Any], path: str) -> None:
    """Issue 10: a str is never read as a list of its characters."""
    raw = {
        "id": "a",
        "kind": "twinning",
        "parties": [{"name": "A", "country": "DE"}, {"name": "B", "country": "FR"}],
        **raw_part,
    }
    assert ("malformed-record", path) in {(i.rule, i.path) for i in sc.validate(raw, today="2025")}
    assert quick_check(raw, TODAY) is None


def test_a_str_as_former_names_is_malformed() -> None:
    party = {"name": "A", "country": "DE", "former_names": "x"}
    raw = {"id": "a", "kind": "twinning", "parties": [party, {"name": "B", "country": "FR"}]}
    found = {(i.rule, i.path) for i in sc.validate(raw, today="2025")}
    assert ("malformed-record", "$.parties[0].former_names") in found


def test_partial_dates_count_days_as_datetime_does() -> None:
    """The day arithmetic of partial dates (ordinals, leap years) is datetime's: every year's
    February and December, their first and last days, and the day after the last refused."""
    for year in range(1, 10000):
        for month in (2, 12):
            last = calendar.monthrange(year, month)[1]
            whole = PartialDate(f"{year:04d}-{month:02d}")
            assert (whole.earliest, whole.latest) == (
                dt.date(year, month, 1),
                dt.date(year, month, last),
            )
            assert (
                ordinals(f"{year:04d}-{month:02d}-{last:02d}")
                == (dt.date(year, month, last).toordinal(),) * 2
            )
            with pytest.raises(InvalidDate):
                ordinals(f"{year:04d}-{month:02d}-{last + 1:02d}")
        assert PartialDate(f"{year:04d}").latest == dt.date(year, 12, 31)


# ---- the record memo (``sistercity diff``) == the record pass ------------------------------

VALID: dict[str, Any] = {
    "id": "a",
    "kind": "twinning",
    "parties": [{"name": "A", "country": "DE"}, {"name": "B", "country": "FR"}],
    "events": [{"type": "signed", "date": "1990"}],
    "sources": ["https://example.org"],
}

#: Pairs of values one of two tests would confuse: ``==`` takes the first ones as equal (JSON
#: does not), compact JSON writes the last ones alike (they are not equal).
_LOOKALIKES = [
    (1, True),
    (1, 1.0),
    (0, False),
    (0.0, -0.0),
    (float("nan"), None),
    (float("inf"), None),
    ((1, 2), [1, 2]),
]


def _with(raw: dict[str, Any], value: Any) -> dict[str, Any]:
    """``raw`` with ``value`` as its first party's GeoNames id (where a type counts), else
    as an extension value."""
    raw = copy.deepcopy(raw)
    parties = raw.get("parties")
    if isinstance(parties, list) and parties and isinstance(parties[0], dict):
        parties[0]["geonames"] = value
    else:
        raw["x-n"] = value
    return raw


@st.composite
def two_versions(draw: st.DrawFn) -> tuple[list[Any], list[Any]]:
    """A list of records (valid, broken, hostile) and a second version that mostly agrees.

    A record comes again as an equal copy, with its keys in another order, with a value of
    another type that ``==`` takes as equal, changed, or not at all; others come once only.
    """
    pool = draw(
        st.lists(records() | broken_records().map(lambda case: case[1]) | mutated(), max_size=6)
    )
    old: list[Any] = []
    new: list[Any] = []
    for raw in pool:
        fate = draw(st.sampled_from(["copy", "reordered", "lookalike", "changed", "old", "new"]))
        if fate == "lookalike" and isinstance(raw, dict):
            a, b = draw(st.sampled_from(_LOOKALIKES))
            old.append(_with(raw, a))
            new.append(_with(raw, b))
            continue
        if fate != "new":
            old.append(raw)
        if fate in ("copy", "lookalike", "new"):
            new.append(copy.deepcopy(raw))
        elif fate == "reordered" and isinstance(raw, dict):
            new.append(dict(reversed(list(copy.deepcopy(raw).items()))))
        elif fate == "changed" and isinstance(raw, dict):
            new.append({**copy.deepcopy(raw), "notes": draw(st.text(max_size=3))})
    return old, draw(st.permutations(new))


def _same(a: Any, b: Any) -> bool:
    """Whether two values are one: the same types, keys in the same order, NaN as NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b or (a != a and b != b))


def _line(raw: Any) -> bytes | None:
    """The JSON Lines text of ``raw`` as a reader gives it (``Item.text``), if JSON holds it."""
    try:
        text = orjson.dumps(raw)
    except TypeError:
        return None
    return text if _same(orjson.loads(text), raw) else None


def _run_both(
    versions: tuple[list[Any], list[Any]], memo: RecordMemo | None, *, texts: bool = False
) -> list[Any]:
    """What two validation runs (one per version) find, item by item, then at the end.

    With ``texts``, each item carries its JSON text, as the JSON Lines reader gives it.
    """
    found: list[Any] = []
    for name, raws in zip(("old.jsonl", "new.jsonl"), versions, strict=True):
        run = Validation(today=TODAY, memo=memo)
        for index, raw in enumerate(raws):
            text = _line(raw) if texts else None
            item = Item(raw, name, index + 1, index, text=text)
            outcome = run.check(item)
            assert outcome.item is item
            kept = outcome.kept
            assert (kept is None) if memo is None else (kept is None or _same(kept.unpacked(), raw))
            found.append((outcome.seq, outcome.issues, outcome.agreement, outcome.invalid))
        found.append((run.finish(), run.summary))
    return found


@settings(max_examples=200, deadline=None)
@given(two_versions())
def test_the_record_memo_finds_what_the_record_pass_finds(
    versions: tuple[list[Any], list[Any]],
) -> None:
    """Two versions checked with one memo, as ``sistercity diff`` does: every issue (located in
    its own file), every outcome and both summaries are those of two runs without it, for
    equal copies, reordered keys, lookalike values, changed and hostile records alike."""
    assert _run_both(versions, RecordMemo(TODAY)) == _run_both(versions, None)


@settings(max_examples=200, deadline=None)
@given(two_versions())
def test_the_record_memo_finds_the_same_through_line_texts(
    versions: tuple[list[Any], list[Any]],
) -> None:
    """The same, with records read from JSON Lines: the memo keeps and compares each record's
    line (``Item.text``) instead of packing it; what it recalls is still what the record pass
    finds."""
    with_texts = _run_both(versions, RecordMemo(TODAY), texts=True)
    assert with_texts == _run_both(versions, None)


def test_a_record_read_from_a_line_is_recalled_by_its_text() -> None:
    raw = copy.deepcopy(VALID)
    text = orjson.dumps(raw)
    memo = RecordMemo(TODAY)
    first = memo.check(raw, text)
    assert first[0] is not None and first[0].json and first[0].packed is text
    assert first[0] == raw and first[0].unpacked() == raw
    assert memo.check(copy.deepcopy(raw), bytes(text))[0] is first[0]
    spaced = orjson.dumps(raw, option=orjson.OPT_INDENT_2)  # the same record, another text
    assert memo.check(copy.deepcopy(raw), spaced)[0] is not first[0]
    assert memo.check(copy.deepcopy(raw))[0] is not first[0]  # packed: another form


def test_the_record_memo_recalls_only_the_same_record() -> None:
    """A record packed as the one checked first under its id is recalled (kept once); keys in
    another order, or a value that ``==`` or JSON would take for another, are checked again."""
    raw = copy.deepcopy(VALID)
    memo = RecordMemo(TODAY)
    first = memo.check(raw)
    assert first[0] == raw and first[0] is not None and first[0].id == "a"
    again = memo.check(copy.deepcopy(raw))
    assert again == first and again[0] is first[0]
    reordered = dict(reversed(list(raw.items())))
    assert memo.check(reordered)[0] is not first[0]
    for n, (a, b) in enumerate(_LOOKALIKES):
        one = memo.check({**_with(raw, a), "id": f"lookalike-{n}"})[0]
        assert memo.check({**_with(raw, b), "id": f"lookalike-{n}"})[0] is not one


def test_a_packed_record_reads_as_the_record() -> None:
    raw = copy.deepcopy(VALID)
    packed = PackedRecord.pack(raw)
    assert packed is not None
    assert packed.id == packed["id"] == "a" and packed.get("notes") is None
    assert dict(packed) == raw and list(packed) == list(raw) and len(packed) == len(raw)
    assert packed == raw and packed == PackedRecord.pack(copy.deepcopy(raw))
    assert packed != {**raw, "notes": "n"} and packed.unpacked() is packed.unpacked()
    assert repr(packed) == f"PackedRecord({raw!r})"
    with pytest.raises(TypeError):
        hash(packed)


class _Text(str):
    pass


@pytest.mark.parametrize(
    "raw",
    [{"kind": "twinning"}, {"id": 1}, {"id": _Text("a")}, {"id": "a", "notes": _Text("n")}],
)
def test_a_record_with_no_string_id_or_with_objects_of_subclasses_is_not_packed(
    raw: dict[str, Any],
) -> None:
    """(A subclass of str could read as anything: the memo checks such a record every time.)"""
    assert PackedRecord.pack(raw) is None
    assert RecordMemo(TODAY).check(raw)[0] is None


def test_a_memo_serves_runs_of_its_own_day() -> None:
    with pytest.raises(ValueError, match="the memo is for"):
        Validation(today=dt.date(2020, 1, 1), memo=RecordMemo(TODAY))


# ---- the validation loop: issues without outcomes -----------------------------------------------

#: no selection, some rules selected, some ignored
_SELECTIONS: list[dict[str, str]] = [
    {},
    {"select": "missing-reason,invalid-date,invalid-country,malformed-record"},
    {"ignore": "missing-source,unknown-field"},
]


def _unreadable(n: int) -> Item:
    issue = Issue("malformed-record", Severity.ERROR, "not valid JSON", "$")
    return Item(None, "f.jsonl", n + 1, n, issue=issue)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(records(), broken_cases().map(lambda case: case.record), st.none()), max_size=6
    ),
    st.sampled_from(_SELECTIONS),
    st.booleans(),
)
def test_issues_are_what_check_finds_without_making_an_outcome(
    raws: list[Any], selection: dict[str, str], collection: bool
) -> None:
    """``Validation.issues`` (what ``validate`` runs) gives each record's ``check().issues``,
    with the same counts, invalid records and collection findings; the outcomes ``check`` makes
    say what they did. No selection counts the issues as a selection of every rule does."""
    items = [
        _unreadable(n) if raw is None else Item(raw, "f.jsonl", n + 1, n)
        for n, raw in enumerate(raws)
    ]
    every_rule = selection or {"select": ",".join(sc.RULES)}
    by_check, by_issues, by_every_rule = (
        Validation(
            today=TODAY,
            collection=collection,
            select=chosen.get("select"),
            ignore=chosen.get("ignore"),
        )
        for chosen in (selection, selection, every_rule)
    )
    reported: list[Issue] = []
    for n, item in enumerate(items):
        outcome = by_check.check(item)
        reported += outcome.issues
        assert (outcome.seq, outcome.item) == (n, item)
        assert outcome.invalid == by_check.is_invalid(n)
        assert (outcome.agreement, outcome.kept) == (None, None)
        assert by_issues.issues(item) == outcome.issues
        assert by_every_rule.check(item).issues == outcome.issues
        full, _, _ = full_check(item.raw, TODAY, build=False, summarise=False)
        assert outcome.invalid == (item.issue is not None or any(i.is_error for i in full))
    finished = by_check.finish()
    assert by_issues.finish() == finished == by_every_rule.finish()
    reported += finished
    errors = sum(issue.is_error for issue in reported)
    assert (by_check.errors, by_check.warnings) == (errors, len(reported) - errors)
    assert by_issues.summary == by_check.summary == by_every_rule.summary
    assert by_issues.invalid_seqs == by_check.invalid_seqs


@pytest.mark.parametrize(
    ("select", "ignore", "everything", "wants_all"),
    [(None, None, True, True), (None, "", True, True), ("missing-reason", None, False, False),
     (None, "missing-reason", False, False), (",".join(sc.RULES), None, False, True)],
)  # fmt: skip
def test_a_selection_that_wants_everything_says_so(
    select: str | None, ignore: str | None, everything: bool, wants_all: bool
) -> None:
    """(Only a selection that names every rule wants them all without saying so.)"""
    chosen = RuleSelection.of(select, ignore)
    assert chosen.everything is everything
    assert all(chosen.wants(rule) for rule in sc.RULES) is wants_all


_refs = st.builds(
    RecordRef,
    id=st.none() | st.text(max_size=3),
    index=st.none() | st.integers(0, 9),
    file=st.none() | st.text(max_size=3),
    line=st.none() | st.integers(1, 9),
)


@settings(max_examples=200, deadline=None)
@given(
    st.builds(
        Issue,
        rule=st.sampled_from(list(sc.RULES)),
        severity=st.sampled_from(Severity),
        message=st.text(max_size=5),
        path=st.sampled_from(["$", "$.events[0].date"]),
        id=st.none() | st.text(max_size=3),
        file=st.none() | st.text(max_size=3),
        line=st.none() | st.integers(1, 9),
        index=st.none() | st.integers(0, 9),
        records=st.lists(_refs, max_size=2).map(tuple),
    ),
    st.builds(
        Item,
        raw=st.none() | st.fixed_dictionaries({"id": st.none() | st.text(max_size=3)}),
        file=st.text(max_size=3),
        line=st.none() | st.integers(1, 9),
        index=st.none() | st.integers(0, 9),
    ),
)
def test_an_issue_located_in_line_is_the_issue_the_item_locates(issue: Issue, item: Item) -> None:
    assert validation._located(issue, item) == item.locate(issue)


_BAD = st.sampled_from([b"{", b"[1, 2]", b'{"id": "d", "id": "d"}', b"\xff", b"null"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        records() | broken_records().map(lambda case: case[1]) | mutated() | _BAD, max_size=8
    ),
    fmt=st.sampled_from(["json", "text", "github", "junit"]),
    options=st.sampled_from(
        [[], ["--no-collection"], ["--ignore", "missing-source"], ["--strict"]]
    ),
    inputs=st.sampled_from(["one file", "two files", "stdin and a file"]),
)
def test_validate_reports_the_same_with_one_shared_item(
    lines: list[Any],
    fmt: str,
    options: list[str],
    inputs: str,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``validate`` reads the readable records of a JSON Lines file into one reused
    :class:`Item` (``read_shared``): nothing in the loop, the reporters or the collection rules
    may keep an item past its record. Its report, in every format, is the one it gives when
    each record has an item of its own; each record comes twice, so that the collection rules
    name earlier records, and a second input (a file, or standard input first) comes in the
    other order."""
    texts = [line if isinstance(line, bytes) else _line(line) for line in lines]
    data = b"\n".join(text for text in texts if text is not None)
    folder = tmp_path_factory.mktemp("shared")
    path = folder / "records.jsonl"
    path.write_bytes(data + b"\n" + data)
    other = folder / "other.jsonl"
    other.write_bytes(b"\n".join(text for text in reversed(texts) if text is not None))
    paths = {
        "one file": [str(path)],
        "two files": [str(path), str(other)],
        "stdin and a file": ["-", str(path)],
    }[inputs]
    argv = ["validate", "--format", fmt, "--today", TODAY.isoformat(), *options, *paths]

    def run(patch: pytest.MonkeyPatch) -> tuple[int, Any]:
        stdin = stdio.TextIOWrapper(stdio.BytesIO(other.read_bytes()), encoding="utf-8")
        patch.setattr(sys, "stdin", stdin)
        return cli.main(argv), capsys.readouterr()

    with pytest.MonkeyPatch.context() as patch:
        shared = run(patch)
        patch.setattr(cli_args, "read_shared", recordio.read)  # an item per record
        own = run(patch)
    assert shared == own
