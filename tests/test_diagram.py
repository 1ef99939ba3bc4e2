"""The lifecycle diagram: the transitions it draws are SPEC §3's, and the SVG parses."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sistercity import EventType, Status
from sistercity.diagram import render, transitions

E = EventType
S = Status

# SPEC §3, read by hand for an agreement of two parties.
EXPECTED = {
    (S.UNKNOWN, S.PROPOSED): {E.PROPOSED, E.APPROVED, E.SIGNED},  # signed by one party
    (S.UNKNOWN, S.ACTIVE): {E.SIGNED},  # signed without 'by': every party signs
    (S.PROPOSED, S.PROPOSED): {E.PROPOSED, E.APPROVED, E.SIGNED, E.RATIFIED},
    (S.PROPOSED, S.ACTIVE): {E.SIGNED},
    (S.PROPOSED, S.ENDED): {E.TERMINATED},
    (S.ACTIVE, S.ACTIVE): {E.RATIFIED, E.RENEWED},
    (S.ACTIVE, S.SUSPENDED): {E.SUSPENDED},
    (S.ACTIVE, S.ENDED): {E.TERMINATED, E.EXPIRED},
    (S.SUSPENDED, S.SUSPENDED): {E.SUSPENDED, E.REINSTATED, E.RENEWED, E.RATIFIED},
    (S.SUSPENDED, S.ACTIVE): {E.REINSTATED},
    (S.SUSPENDED, S.ENDED): {E.TERMINATED, E.EXPIRED},
}


def test_transitions_are_the_lifecycle_of_the_spec() -> None:
    assert {key: set(kinds) for key, kinds in transitions().items()} == EXPECTED


def test_nothing_leaves_ended() -> None:
    assert not any(a is S.ENDED for a, _ in transitions())


def test_svg_parses_and_draws_every_state_and_change() -> None:
    root = ET.fromstring(render().encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    states = [str(g.get("data-status")) for g in root.iter() if g.get("class") == "state"]
    assert sorted(states) == sorted(s.value for s in Status)
    drawn = {
        (g.get("data-from"), g.get("data-to"))
        for g in root.iter()
        if g.get("class") == "transition"
    }
    assert drawn == {(a.value, b.value) for a, b in EXPECTED if a != b}
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "Lifecycle of a sister-city agreement"
