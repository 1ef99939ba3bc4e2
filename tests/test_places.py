"""Places (SPEC §4): City, former names, identity, and frozen values."""

from __future__ import annotations

import datetime as dt
import types
import unicodedata
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sistercity import City, FormerName, InvalidAgreement, PartialDate, PlaceLevel, _identity


def named(city: City, *former: FormerName) -> City:
    """``city`` with ``former`` names (evolve: see test_former_names_type_check_as_a_list)."""
    changes: dict[str, Any] = {"former_names": former}
    return attrs.evolve(city, **changes)


def saint_petersburg() -> City:
    return named(
        City("Saint Petersburg", "RU", wikidata="Q656"),
        FormerName("Petrograd", until="1924-01-26"),
        FormerName("Leningrad", country="SU", from_="1924-01-26", until="1991-09-06"),
    )


def test_former_names_type_check_as_a_list() -> None:
    """The documented call, ``City(..., former_names=[FormerName(...)])``, must pass mypy
    --strict in users' code. Fails today under mypy (not pytest): the attrs plugin reads the
    field's ``converter=tuple`` as a parameter of type ``Iterable[_T_co]``."""
    city = City(
        "Saint Petersburg", "RU", former_names=[FormerName("Leningrad", until="1991-09-06")]
    )
    assert city.name_on("1962") == "Leningrad"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("1962", "Leningrad"),  # a partial date means its last day
        (dt.date(1962, 1, 1), "Leningrad"),
        ("1924-01-25", "Petrograd"),
        ("1924-01-26", "Leningrad"),  # 'until' is the first day of the next name
        ("1991-09-05", "Leningrad"),
        ("1991-09-06", "Saint Petersburg"),
        ("1991", "Saint Petersburg"),  # the last day of 1991
        ("1991-08", "Leningrad"),
        (PartialDate("2022-02-26"), "Saint Petersburg"),
        ("1800", "Petrograd"),  # the first entry has no 'from': unbounded
    ],
)
def test_name_on(day: dt.date | str | PartialDate, name: str) -> None:
    assert saint_petersburg().name_on(day) == name


def test_name_on_a_missing_from_means_the_previous_until() -> None:
    volgograd = named(
        City("Volgograd", "RU"),
        FormerName("Tsaritsyn", until="1925-04-10"),
        FormerName("Stalingrad", until="1961-11-10"),
    )
    assert volgograd.name_on("1942") == "Stalingrad"
    assert volgograd.name_on("1925-04-09") == "Tsaritsyn"
    assert volgograd.name_on("1961-11-10") == "Volgograd"


def test_name_on_a_gap_between_former_names_is_the_present_name() -> None:
    city = named(City("Present", "DE"), FormerName("Old", from_="1900", until="1910"))
    assert city.name_on("1899") == "Present"
    assert city.name_on("1905") == "Old"


def test_name_on_refuses_what_is_not_a_day() -> None:
    with pytest.raises(ValueError):
        saint_petersburg().name_on("1962-13")
    with pytest.raises(TypeError):
        saint_petersburg().name_on(1962)  # type: ignore[arg-type]


def test_identity_by_wikidata_then_geonames_then_name() -> None:
    assert City("Manchester", "GB", wikidata="Q18125", geonames=2643123).key == "Q18125"
    assert City("Manchester", "GB", geonames=2643123).key == "geonames:2643123"
    assert City("Manchester", "GB", subdivision="GB-MAN").key == (
        "GB",
        "GB-MAN",
        "municipality",
        "manchester",
    )


def test_toledo_us_and_toledo_es_differ() -> None:
    assert not City("Toledo", "US").same_place(City("Toledo", "ES"))


def test_springfields_in_different_states_differ() -> None:
    illinois = City("Springfield", "US", subdivision="US-IL")
    massachusetts = City("Springfield", "US", subdivision="US-MA")
    assert not illinois.same_place(massachusetts)


def test_levels_differ() -> None:
    assert not City("Luxembourg", "LU").same_place(
        City("Luxembourg", "LU", level=PlaceLevel.COUNTRY)
    )


def test_names_compare_after_nfc_case_folding_and_white_space() -> None:
    composed = City("Köln", "DE")
    decomposed = City("Ko\u0308ln", "DE")
    assert composed != decomposed
    assert composed.same_place(decomposed)
    assert City("Frankfurt  am Main", "DE").same_place(City(" FRANKFURT AM MAIN", "DE"))
    assert City("Straße", "DE").same_place(City("STRASSE", "DE"))


def test_a_record_without_ids_never_matches_one_with_ids() -> None:
    assert not City("Manchester", "GB").same_place(City("Manchester", "GB", wikidata="Q18125"))


def test_city_is_frozen_and_hashable() -> None:
    city = saint_petersburg()
    assert isinstance(city.former_names, tuple)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        city.name = "Petrograd"  # type: ignore[misc]
    assert len({city, saint_petersburg()}) == 1
    assert city.label() == "Saint Petersburg (RU)"


def test_extension_keys_are_read_only_compared_and_not_hashed() -> None:
    plain = City("Manchester", "GB")
    marked = City("Manchester", "GB", extensions={"x-council": "Manchester City Council"})
    assert plain != marked
    assert hash(plain) == hash(marked)
    assert marked.extensions["x-council"] == "Manchester City Council"
    with pytest.raises(TypeError):
        marked.extensions["x-council"] = "changed"  # type: ignore[index]


def test_extension_keys_are_copied_from_the_caller() -> None:
    given = {"x-council": "Manchester City Council"}
    city = City("Manchester", "GB", extensions=given)
    given["x-council"] = "changed"
    assert city.extensions["x-council"] == "Manchester City Council"


def test_extension_keys_given_as_a_read_only_view_are_copied_too() -> None:
    """Frozen must mean frozen. Fails today: a MappingProxyType is kept as it is, so the
    caller's dict behind it still changes the City."""
    given = {"x-council": "Manchester City Council"}
    city = City("Manchester", "GB", extensions=types.MappingProxyType(given))
    given["x-council"] = "changed"
    assert city.extensions["x-council"] == "Manchester City Council"


@pytest.mark.parametrize(
    ("kwargs", "rule", "path"),
    [
        ({"name": "", "country": "GB"}, "invalid-name", "$.name"),
        ({"name": "Glasgow", "country": "UK"}, "invalid-country", "$.country"),
        (
            {"name": "Glasgow", "country": "GB", "subdivision": "RU-ROS"},
            "invalid-subdivision",
            "$.subdivision",
        ),
        (
            {"name": "Glasgow", "country": "GB", "wikidata": "4093"},
            "invalid-wikidata-id",
            "$.wikidata",
        ),
        ({"name": "Glasgow", "country": "GB", "geonames": 0}, "invalid-geonames-id", "$.geonames"),
        (
            {"name": "Glasgow", "country": "GB", "extensions": {"colour": "blue"}},
            "unknown-field",
            "$.colour",
        ),
    ],
)
def test_a_city_that_breaks_a_rule_cannot_be_built(
    kwargs: dict[str, Any], rule: str, path: str
) -> None:
    with pytest.raises(InvalidAgreement) as info:
        City(**kwargs)
    assert [(i.rule, i.path) for i in info.value.issues] == [(rule, path)]


def test_an_invalid_level_is_reported_as_the_rule() -> None:
    """SPEC §5: a level outside the vocabulary is `invalid-level`, with the nearest value.
    Fails today: City's converter raises a bare ValueError before the rules run."""
    with pytest.raises(InvalidAgreement) as info:
        City("Glasgow", "GB", level="city")
    assert [(i.rule, i.path) for i in info.value.issues] == [("invalid-level", "$.level")]
    assert "'municipality'" in info.value.issues[0].message


def test_former_names_out_of_order_cannot_be_built() -> None:
    with pytest.raises(InvalidAgreement) as info:
        named(
            City("Volgograd", "RU"),
            FormerName("Stalingrad", until="1961-11-10"),
            FormerName("Tsaritsyn", until="1925-04-10"),
        )
    assert [(i.rule, i.path) for i in info.value.issues] == [
        ("former-names-out-of-order", "$.former_names[1]")
    ]


def test_former_names_must_be_former_name_objects() -> None:
    """Bad input gets a clear error, never a traceback. Fails today: a dict among the former
    names raises AttributeError ('dict' object has no attribute 'from_')."""
    changes: dict[str, Any] = {"former_names": [{"name": "Leningrad", "until": "1991-09-06"}]}
    with pytest.raises(InvalidAgreement) as info:
        City("Saint Petersburg", "RU", **changes)
    assert [(i.rule, i.path) for i in info.value.issues] == [
        ("malformed-record", "$.former_names[0]")
    ]


_NAMES = st.sampled_from(["Kyiv", "Kyïv", "Kyi\u0308v", "Springfield", "Q1", "Q2", "Kyiv (UA)"])


@settings(max_examples=300, deadline=None)
@given(
    parties=st.lists(
        st.tuples(_NAMES, st.sampled_from(["UA", "US", "GB"]), st.none() | _NAMES), max_size=6
    ),
    text=_NAMES | st.text(max_size=4),
)
def test_a_names_index_answers_as_a_scan_of_the_parties(
    parties: list[tuple[str, str, str | None]], text: str
) -> None:
    """A ``by`` is resolved through an index of the parties' names (made once a record, so
    that many events over many parties cost no scan each): it finds the parties a scan of
    each party's names finds, NFC and all, in order and once each."""
    names = [_identity.names_of(*party) for party in parties]
    wanted = unicodedata.normalize("NFC", text)
    scan = [i for i, texts in enumerate(names) if wanted in texts]
    assert _identity.named(text, _identity.names_index(names)) == scan
