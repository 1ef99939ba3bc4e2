"""The lifecycle of SPEC §3, sentence by sentence: which events are allowed, and the status."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity._agreements import resolve_actor
from sistercity._lifecycle import (
    CODED_PARTIES,
    EVENT_CODES,
    STEPS,
    Machine,
    refusal,
    replay,
    step,
    walk,
)
from sistercity.strategies import agreements

A, B, C = "Manchester", "Q656", "Saint Petersburg (RU)"  # C names the same party as B
PARTIES = [
    {"name": "Manchester", "country": "GB", "wikidata": "Q18125"},
    {"name": "Saint Petersburg", "country": "RU", "wikidata": "Q656"},
]
THREE = [*PARTIES, {"name": "Kyiv", "country": "UA"}]
S = sc.Status


def ev(kind: str, by: str | None = None, **more: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"type": kind, **more}
    if by is not None:
        event["by"] = by
    if kind in ("suspended", "terminated"):
        event.setdefault("reason", "a reason")
    return event


def run(*events: dict[str, Any], parties: list[dict[str, Any]] = PARTIES) -> Any:
    """The status when the events are valid, else the (rule, event index) of every error."""
    raw = {
        "id": "lifecycle",
        "kind": "friendship",
        "parties": parties,
        "events": list(events),
        "sources": ["https://example.org"],
    }
    report = sc.validate(raw, today="2025")
    if report.ok:
        return sc.from_dict(raw).status
    return [(i.rule, int(i.path.split("[")[1].split("]")[0])) for i in report.errors]


def test_no_events_is_unknown() -> None:
    assert run() is S.UNKNOWN


# "proposed, approved: allowed until the agreement is active."
def test_proposed_and_approved_until_active() -> None:
    assert run(ev("proposed"), ev("approved")) is S.PROPOSED
    assert run(ev("proposed"), ev("signed", A), ev("approved")) is S.PROPOSED
    assert run(ev("signed"), ev("approved")) == [("invalid-transition", 1)]
    assert run(ev("signed"), ev("suspended"), ev("proposed")) == [("invalid-transition", 2)]


# "signed by X: X signs; invalid if X has signed. Until every party has signed, the status is
# proposed; then active. Counter-signatures on different dates are normal."
def test_signed_by_one_party() -> None:
    assert run(ev("signed", A, date="1962-03")) is S.PROPOSED
    assert run(ev("signed", A, date="1962-03"), ev("signed", B, date="1962-06")) is S.ACTIVE
    assert run(ev("signed", A), ev("signed", A)) == [("invalid-transition", 1)]
    assert run(ev("signed", B), ev("signed", C)) == [("invalid-transition", 1)]  # the same party
    assert run(ev("signed", A), ev("signed", B), parties=THREE) is S.PROPOSED


# "signed without by: every party that has not signed signs; invalid if all have."
def test_signed_without_by() -> None:
    assert run(ev("signed")) is S.ACTIVE
    assert run(ev("signed", A), ev("signed")) is S.ACTIVE
    assert run(ev("signed"), ev("signed")) == [("invalid-transition", 1)]
    assert run(ev("signed"), ev("signed", B)) == [("invalid-transition", 1)]


# "ratified by X needs X's signature; without by, every signature. ... Neither changes the status."
def test_ratified() -> None:
    assert run(ev("signed", A), ev("ratified", A)) is S.PROPOSED
    assert run(ev("signed", A), ev("ratified", B)) == [("invalid-transition", 1)]
    assert run(ev("signed", A), ev("ratified")) == [("invalid-transition", 1)]
    assert run(ev("signed"), ev("ratified")) is S.ACTIVE
    assert run(ev("ratified", A), ev("signed")) == [("event-before-signing", 0)]


# "renewed needs the agreement active or suspended."
def test_renewed() -> None:
    assert run(ev("signed"), ev("renewed")) is S.ACTIVE
    assert run(ev("signed"), ev("suspended"), ev("renewed")) is S.SUSPENDED
    assert run(ev("signed", A), ev("renewed")) == [("invalid-transition", 1)]
    assert run(ev("renewed")) == [("event-before-signing", 0)]


# "suspended by X opens X's suspension; invalid if X's is open. Without by: opens one for every
# party that has none open; invalid if all are open. Needs active or suspended."
def test_suspended() -> None:
    assert run(ev("signed"), ev("suspended", A)) is S.SUSPENDED
    assert run(ev("signed"), ev("suspended", A), ev("suspended", B)) is S.SUSPENDED
    assert run(ev("signed"), ev("suspended", A), ev("suspended", A)) == [("invalid-transition", 2)]
    assert run(ev("signed"), ev("suspended", A), ev("suspended")) is S.SUSPENDED
    assert run(ev("signed"), ev("suspended"), ev("suspended")) == [("invalid-transition", 2)]
    assert run(ev("signed"), ev("suspended"), ev("suspended", B)) == [("invalid-transition", 2)]
    assert run(ev("signed", A), ev("suspended", A)) == [("invalid-transition", 1)]


# "reinstated by X closes X's suspension; invalid if X has none open. Without by: closes all;
# invalid if none is open. The status is suspended while any suspension is open."
def test_reinstated() -> None:
    assert run(ev("signed"), ev("suspended", A), ev("reinstated", A)) is S.ACTIVE
    assert run(ev("signed"), ev("suspended"), ev("reinstated", A)) is S.SUSPENDED
    assert run(ev("signed"), ev("suspended"), ev("reinstated", A), ev("reinstated", B)) is S.ACTIVE
    assert run(ev("signed"), ev("suspended"), ev("reinstated")) is S.ACTIVE
    assert run(ev("signed"), ev("suspended", A), ev("reinstated", B)) == [("invalid-transition", 2)]
    assert run(ev("signed"), ev("reinstated")) == [("invalid-transition", 1)]
    assert run(ev("reinstated")) == [("event-before-signing", 0)]


# "terminated (by one party or all) ends a proposed, active or suspended agreement."
def test_terminated() -> None:
    assert run(ev("proposed"), ev("terminated")) is S.ENDED
    assert run(ev("signed", A), ev("terminated", A)) is S.ENDED
    assert run(ev("signed"), ev("terminated", B)) is S.ENDED
    assert run(ev("signed"), ev("suspended", A), ev("terminated")) is S.ENDED
    assert run(ev("terminated")) == [("invalid-transition", 0)]


# "expired ends an active or suspended agreement; it takes no by."
def test_expired() -> None:
    assert run(ev("signed"), ev("expired")) is S.ENDED
    assert run(ev("signed"), ev("suspended"), ev("expired")) is S.ENDED
    assert run(ev("signed"), ev("expired", A)) == [("invalid-transition", 1)]
    assert run(ev("signed", A), ev("expired")) == [("invalid-transition", 1)]
    assert run(ev("proposed"), ev("expired")) == [("event-before-signing", 1)]


# "Nothing may follow ended."
@pytest.mark.parametrize("kind", [e.value for e in sc.EventType])
def test_nothing_follows_ended(kind: str) -> None:
    assert run(ev("signed"), ev("expired"), ev(kind)) == [("event-after-end", 2)]


def test_a_broken_event_changes_nothing() -> None:
    # the invalid reinstatement is skipped; the agreement is still suspended by Manchester
    assert run(ev("signed"), ev("suspended", A), ev("reinstated", B), ev("renewed")) == [
        ("invalid-transition", 2)
    ]
    raw_events = [ev("signed"), ev("suspended", A), ev("reinstated", A)]
    assert run(*raw_events) is S.ACTIVE


def test_the_manchester_case() -> None:
    status = run(
        ev("signed", date="1962"),
        ev("renewed", date="2007"),
        ev("suspended", A, date="2022-02-26", reason="Russian invasion of Ukraine"),
    )
    assert status is S.SUSPENDED


# The record pass steps the lifecycle as remembered state codes (``step``), and asks the
# machine to word an event only when the codes refuse it (``refusal``): both must follow
# ``Machine`` exactly, labels included, from any reachable state.
_MOVES = st.tuples(st.sampled_from(list(sc.EventType)), st.integers(-1, 2), st.booleans())


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 3),
    st.lists(_MOVES, max_size=8),
    # few labels, so that remembered refusals are asked again under other labels (and one too
    # long to be remembered)
    st.lists(st.sampled_from(["Kiel", "", "Coventry", "K" * 250]), min_size=3, max_size=3),
)
def test_the_state_codes_follow_the_machine(
    n: int, moves: list[tuple[sc.EventType, int, bool]], names: list[str]
) -> None:
    labels = names[:n]
    machine = Machine(n, labels)
    state = 0
    for kind, actor, has_by in moves:
        actor = min(actor, n - 1)
        code = EVENT_CODES[kind.value]
        expected = machine.step(kind, None if actor < 0 else actor, has_by)
        outcome = step(n, state, code, actor, has_by)
        if expected is None:
            assert outcome, "the codes refuse an event the machine accepts"
            state, active = outcome
            assert active is (machine.status is S.ACTIVE)
        else:
            assert outcome == ()
            assert refusal(n, state, code, actor, has_by, labels) == expected


@settings(max_examples=150, deadline=None)
@given(
    agreements(),
    st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_status_on_agrees_with_a_replay_of_the_machine(
    agreement: sc.Agreement, day: dt.date, today: dt.date
) -> None:
    """``status_on`` and ``status`` (through the remembered state codes) say what a replay of
    the ``Machine`` over the same events says, each ``by`` resolved to its one party."""
    steps = []
    for event in agreement.events:
        actor = None
        if event.by is not None:
            found = resolve_actor(event.by, agreement.parties)
            actor = found[0] if len(found) == 1 else None
        steps.append((event.type, actor, event.by is not None))
    statuses = [t.status for t in replay(steps, len(agreement.parties))]
    last = agreement.last_known_index(day, today)
    assert agreement.status_on(day, today=today) is (
        statuses[last] if last >= 0 else sc.Status.UNKNOWN
    )
    assert agreement.status is (statuses[-1] if statuses else sc.Status.UNKNOWN)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, CODED_PARTIES + 3),
    st.lists(st.tuples(st.sampled_from(list(sc.EventType)), st.integers(-1, 11), st.booleans())),
)
def test_walk_says_what_a_replay_says(n: int, moves: list[tuple[sc.EventType, int, bool]]) -> None:
    """``walk`` (state codes up to CODED_PARTIES parties, a Machine past them) gives each
    step's status and refusal exactly as ``replay`` does, labels included."""
    labels = [f"P{i}" if i % 3 else "" for i in range(n)]
    moves = [(kind, actor if actor < n else -1, has_by) for kind, actor, has_by in moves]
    statuses, refused = walk(n, [(EVENT_CODES[k.value], a, h) for k, a, h in moves], labels)
    replayed = replay([(k, None if a < 0 else a, h) for k, a, h in moves], n, labels)
    assert statuses == [t.status for t in replayed]
    assert refused == [(i, t.rule, t.message) for i, t in enumerate(replayed) if t.rule is not None]


def test_a_record_of_many_parties_costs_no_more_a_step_than_a_machine() -> None:
    """Past CODED_PARTIES parties no state code is made (each would hold 2 + 2n bits): the
    table of remembered steps gains no entry for them."""
    before = {key for key in STEPS if key[0] > CODED_PARTIES}
    n = CODED_PARTIES + 50
    record = {
        "id": "many", "kind": "twinning", "sources": ["https://example.org"],
        "parties": [{"name": f"P{i}", "country": "GB"} for i in range(n)],
        "events": [{"type": "signed", "by": f"P{i}"} for i in range(n)],
    }  # fmt: skip
    assert sc.validate_records([record], today="2026").summary["errors"] == 0
    assert {key for key in STEPS if key[0] > CODED_PARTIES} == before
