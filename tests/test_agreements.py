"""Agreements built in Python (SPEC §1, §3): vocabularies, construction, status over time."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

import sistercity as sc
from sistercity import Agreement, AgreementKind, City, Event, EventType, Status

MANCHESTER = City("Manchester", "GB", subdivision="GB-MAN", wikidata="Q18125")
SPB = City("Saint Petersburg", "RU", wikidata="Q656")


def agreement(*events: Event, kind: str = "friendship") -> Agreement:
    return Agreement(
        id="manchester-saint-petersburg-1962",
        kind=kind,
        parties=[MANCHESTER, SPB],
        events=list(events),
        sources=["https://www.manchester.gov.uk/"],
    )


def manchester_spb() -> Agreement:
    return agreement(
        Event("signed", "1962"),
        Event("renewed", "2007"),
        Event("suspended", "2022-02-26", by="Manchester", reason="Russian invasion of Ukraine"),
    )


def test_vocabularies_are_string_enums() -> None:
    assert isinstance(AgreementKind.FRIENDSHIP, str)
    assert json.dumps(AgreementKind.FRIENDSHIP) == '"friendship"'
    assert [k.value for k in AgreementKind] == [
        "twinning",
        "friendship",
        "cooperation",
        "sponsorship",
        "unspecified",
    ]
    assert [e.value for e in EventType] == [
        "proposed",
        "approved",
        "signed",
        "ratified",
        "renewed",
        "suspended",
        "reinstated",
        "terminated",
        "expired",
    ]
    assert [s.value for s in Status] == ["proposed", "active", "suspended", "ended", "unknown"]
    assert [p.value for p in sc.PlaceLevel] == [
        "municipality",
        "district",
        "county",
        "region",
        "country",
    ]


def test_friendship_is_not_twinning() -> None:
    link = manchester_spb()
    assert link.kind is AgreementKind.FRIENDSHIP
    assert sc.to_dict(link)["kind"] == "friendship"


def test_sequences_are_tuples_and_the_agreement_is_hashable() -> None:
    link = manchester_spb()
    assert isinstance(link.parties, tuple) and isinstance(link.events, tuple)
    assert isinstance(link.sources, tuple)
    assert hash(link) == hash(manchester_spb())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        link.kind = AgreementKind.TWINNING  # type: ignore[misc]
    assert attrs.evolve(link, kind="twinning").kind is AgreementKind.TWINNING


def test_an_agreement_that_breaks_rules_cannot_be_built() -> None:
    with pytest.raises(sc.InvalidAgreement) as info:
        Agreement(
            id="broken link",
            kind="twin town",
            parties=[MANCHESTER, MANCHESTER],
            events=[Event("renewed", "2007"), Event("signed", "1962")],
        )
    assert sorted((i.rule, i.path) for i in info.value.issues) == [
        ("duplicate-party", "$.parties[1]"),
        ("event-before-signing", "$.events[0].type"),
        ("events-out-of-order", "$.events[1].date"),
        ("invalid-id", "$.id"),
        ("invalid-kind", "$.kind"),
    ]
    assert info.value.id == "broken link"


def test_an_event_that_breaks_rules_cannot_be_built() -> None:
    with pytest.raises(sc.InvalidAgreement) as info:
        Event("signing", "1962-02-30")
    assert sorted((i.rule, i.path) for i in info.value.issues) == [
        ("invalid-date", "$.date"),
        ("invalid-event-type", "$.type"),
    ]


def test_warnings_do_not_stop_construction() -> None:
    link = agreement(Event("signed", "1962"), Event("suspended", "2022"))  # no reason
    assert link.status is Status.SUSPENDED
    assert [i.rule for i in sc.validate(link, today="2025").issues] == ["missing-reason"]


# ---- status and status_on (SPEC §3) ------------------------------------------------------


def test_status_is_after_every_event_and_unknown_without_events() -> None:
    assert manchester_spb().status is Status.SUSPENDED
    assert agreement().status is Status.UNKNOWN


@pytest.mark.parametrize(
    ("day", "status"),
    [
        ("1961", Status.UNKNOWN),
        (dt.date(1962, 6, 1), Status.UNKNOWN),  # 'signed 1962' may be later in the year
        ("1962", Status.ACTIVE),  # a partial date means its last day
        ("2021", Status.ACTIVE),
        (dt.date(2022, 2, 25), Status.ACTIVE),
        (dt.date(2022, 2, 26), Status.SUSPENDED),
        ("2022-02", Status.SUSPENDED),
        ("2022-03", Status.SUSPENDED),
        (sc.PartialDate("2030"), Status.SUSPENDED),
    ],
)
def test_status_on(day: dt.date | str | sc.PartialDate, status: Status) -> None:
    assert manchester_spb().status_on(day, today="2025") is status


def test_status_on_a_partial_event_date_is_known_on_its_last_day() -> None:
    link = agreement(Event("signed", "1962-05"), Event("suspended", "2022-02", reason="war"))
    assert link.status_on("1962-05-30", today="2025") is Status.UNKNOWN
    assert link.status_on("1962-05-31", today="2025") is Status.ACTIVE
    assert link.status_on("2022-02-27", today="2025") is Status.ACTIVE
    assert link.status_on("2022-02-28", today="2025") is Status.SUSPENDED


def test_status_on_an_undated_event_is_known_once_a_later_event_is() -> None:
    link = agreement(
        Event("signed", "1990"),
        Event("suspended", reason="date unknown"),
        Event("reinstated", "2000-06"),
    )
    assert link.status_on("1999", today="2025") is Status.ACTIVE  # the suspension is not known
    assert link.status_on("2000-05", today="2025") is Status.ACTIVE
    assert link.status_on("2000-06", today="2025") is Status.ACTIVE  # after both
    assert link.status is Status.ACTIVE


def test_status_on_an_undated_last_event_is_known_from_today() -> None:
    link = agreement(Event("signed", "1990"), Event("suspended", reason="date unknown"))
    assert link.status_on("2019", today="2020") is Status.ACTIVE
    assert link.status_on("2020", today="2020") is Status.SUSPENDED
    assert link.status_on(dt.date(2020, 12, 31), today=dt.date(2020, 12, 31)) is Status.SUSPENDED
    assert link.status_on("2021", today="2020") is Status.SUSPENDED


def test_status_on_an_undated_event_before_an_unknown_dated_event() -> None:
    link = agreement(
        Event("signed", "1990"),
        Event("renewed"),
        Event("suspended", "2022-02-26", reason="war"),
    )
    # a dated event follows the renewal, so only that event makes the renewal known
    assert link.status_on("2021", today="2000") is Status.ACTIVE


def test_status_on_every_event_undated() -> None:
    link = agreement(Event("signed"), Event("suspended", reason="date unknown"))
    assert link.status_on("2019", today="2020") is Status.UNKNOWN
    assert link.status_on("2020", today="2020") is Status.SUSPENDED


def test_status_on_defaults_today_to_the_real_date() -> None:
    link = agreement(Event("signed", "1990"), Event("suspended", reason="date unknown"))
    assert link.status_on(dt.date.today()) is Status.SUSPENDED
    assert link.status_on(dt.date.today() - dt.timedelta(days=1)) is Status.ACTIVE


def test_status_on_by_party() -> None:
    link = agreement(
        Event("signed", "1962-03", by="Manchester"),
        Event("signed", "1962-06", by="Q656"),
        Event("suspended", "2022-02-26", by="Manchester", reason="war"),
        Event("suspended", "2022-03", by="Saint Petersburg (RU)", reason="retaliation"),
        Event("reinstated", "2024", by="Manchester"),
    )
    assert link.status_on("1962-04", today="2025") is Status.PROPOSED
    assert link.status_on("1962-06", today="2025") is Status.ACTIVE
    assert link.status_on("2023", today="2025") is Status.SUSPENDED
    assert link.status_on("2024", today="2025") is Status.SUSPENDED  # St Petersburg's is open
    assert list(link.events_by(MANCHESTER)) == [link.events[0], link.events[2], link.events[4]]
    assert list(link.events_by(SPB)) == [link.events[1], link.events[3]]


def test_ended_is_final() -> None:
    link = agreement(
        Event("signed", "1962"), Event("terminated", "2022-03", by="Manchester", reason="war")
    )
    assert link.status_on("2022-03", today="2025") is Status.ENDED
    assert link.status_on("2100", today="2025") is Status.ENDED


def test_partner_and_period() -> None:
    link = manchester_spb()
    assert link.partner_of(City("Manchester", "GB", wikidata="Q18125")) == (SPB,)
    assert link.period() == (dt.date(1962, 1, 1), None)
    ended = agreement(Event("signed", "1962"), Event("expired", "2012-05"))
    assert ended.period() == (dt.date(1962, 1, 1), dt.date(2012, 5, 31))


def test_name_on_through_the_agreement() -> None:
    spb = sc.from_dict(
        {
            "id": "x",
            "kind": "friendship",
            "parties": [
                {"name": "Manchester", "country": "GB"},
                {
                    "name": "Saint Petersburg",
                    "country": "RU",
                    "former_names": [{"name": "Leningrad", "until": "1991-09-06"}],
                },
            ],
        }
    ).parties[1]
    assert spb.name_on("1962") == "Leningrad"
    assert spb.name_on(dt.date(2022, 3, 1)) == "Saint Petersburg"


def test_parties_and_events_must_be_model_objects() -> None:
    """An Agreement holds City and Event objects; a dict in their place is refused with a clear
    error at run time (mypy refuses it too, hence the ignores)."""
    raw_party = {"name": "Manchester", "country": "GB"}
    with pytest.raises(sc.InvalidAgreement) as info:
        Agreement(id="a", kind="twinning", parties=[raw_party, SPB])  # type: ignore[list-item]
    assert [(i.rule, i.path) for i in info.value.issues] == [("malformed-record", "$.parties[0]")]
    with pytest.raises(sc.InvalidAgreement) as info:
        Agreement(
            id="a",
            kind="twinning",
            parties=[MANCHESTER, SPB],
            events=[{"type": "signed"}],  # type: ignore[list-item]
        )
    assert [(i.rule, i.path) for i in info.value.issues] == [("malformed-record", "$.events[0]")]


def _coventry_volgograd() -> Agreement:
    return Agreement(
        "coventry-volgograd-1944",
        "twinning",
        [City("Coventry", "GB", wikidata="Q6225"), City("Volgograd", "RU", wikidata="Q914")],
        [
            Event("signed", "1944?"),
            Event("suspended", "2022-03-22", by="Coventry", reason="invasion of Ukraine"),
        ],
        sources=["https://www.coventry.gov.uk/"],
    )


@pytest.mark.parametrize("ref", ["Coventry", "Coventry (GB)", "Q6225"])
def test_partner_of_and_events_by_take_any_place_reference(ref: str) -> None:
    link = _coventry_volgograd()
    assert [c.name for c in link.partner_of(ref)] == ["Volgograd"]
    assert [e.type.value for e in link.events_by(ref)] == ["suspended"]
    assert link.partner_of(link.parties[0]) == (link.parties[1],)


@pytest.mark.parametrize("stranger", ["Kyiv", City("Kyiv", "UA"), "Coventry (DE)"])
def test_a_stranger_is_not_a_party(stranger: str | City) -> None:
    link = _coventry_volgograd()
    with pytest.raises(ValueError, match="names no party") as caught:
        link.partner_of(stranger)
    assert isinstance(caught.value, sc.SisterCityError)
    with pytest.raises(sc.SisterCityError):
        list(link.events_by(stranger))


def test_a_report_is_truthy_exactly_when_ok() -> None:
    good = sc.validate(sc.to_dict(_coventry_volgograd()))
    assert good.ok and bool(good)
    bad = sc.validate({"id": "x"})
    assert not bad.ok and not bad
    warned = sc.validate({**sc.to_dict(_coventry_volgograd()), "sources": []})
    assert warned.issues and warned.ok and bool(warned)
