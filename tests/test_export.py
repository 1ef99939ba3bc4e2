"""``sistercity.export`` (SPEC §8): the flat table and the graphs."""

from __future__ import annotations

import csv
import io
import math

import networkx as nx  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity import export
from sistercity.strategies import agreements

MANCHESTER = sc.City("Manchester", "GB", wikidata="Q18125")
SPB = sc.City("Saint Petersburg", "RU", wikidata="Q656")
AACHEN = sc.City("Aachen", "DE", "DE-NW")
KOSTROMA = sc.City("Kostroma", "RU")
SOURCES = ["https://example.org/"]


def sample() -> list[sc.Agreement]:
    return [
        sc.Agreement(
            "m-spb",
            "friendship",
            [MANCHESTER, SPB],
            [
                sc.Event("signed", "1962"),
                sc.Event("suspended", "2022-02-26", by="Manchester", reason="war"),
            ],
            term="friendship agreement",
            sources=SOURCES,
        ),
        sc.Agreement(
            "a-k",
            "twinning",
            [AACHEN, KOSTROMA],
            [sc.Event("signed"), sc.Event("terminated", "2005~")],
            sources=SOURCES,
        ),
        sc.Agreement("three", "cooperation", [MANCHESTER, AACHEN, KOSTROMA], sources=SOURCES),
    ]


def table(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_the_table_has_the_spec_columns_and_plain_cells() -> None:
    text = export.render(sample(), "csv", on="2021", today="2024-06-30")
    assert text.splitlines()[0] == "\ufeff" + ",".join(export.TABLE_COLUMNS)
    assert "\r\n" in text
    rows = table(text)
    assert rows[0] == {
        "id": "m-spb", "kind": "friendship", "term": "friendship agreement",
        "party1_name": "Manchester", "party1_country": "GB", "party1_wikidata": "Q18125",
        "party2_name": "Saint Petersburg", "party2_country": "RU", "party2_wikidata": "Q656",
        "signed": "1962", "ended": "", "status": "active", "last_event": "suspended",
        "last_event_date": "2022-02-26",
    }  # fmt: skip
    # an undated signing is no 'signed' date; the end keeps its qualifier
    assert (rows[1]["signed"], rows[1]["ended"], rows[1]["status"]) == ("", "2005~", "ended")
    # three parties: one row per pair, in the order of the parties
    assert [(r["party1_name"], r["party2_name"]) for r in rows[2:]] == [
        ("Manchester", "Aachen"), ("Manchester", "Kostroma"), ("Aachen", "Kostroma")
    ]  # fmt: skip
    assert (rows[2]["status"], rows[2]["last_event"], rows[2]["last_event_date"]) == (
        "unknown", "", ""
    )  # fmt: skip


def test_the_status_is_on_the_day_asked() -> None:
    rows = table(export.render(sample()[:1], "csv", on="2022-03", today="2024"))
    assert rows[0]["status"] == "suspended"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_the_graph_reads_back_with_networkx(fmt: str) -> None:
    text = export.render(sample(), fmt, on="2021", today="2024-06-30")
    read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    graph = read(io.BytesIO(text.encode()))
    assert sorted(graph.nodes) == sorted(
        ["Q18125", "Q656", "DE|DE-NW|municipality|aachen", "RU||municipality|kostroma"]
    )
    assert graph.nodes["Q18125"]["name"] == "Manchester"
    assert graph.nodes["Q18125"]["wikidata"] == "Q18125"
    assert "wikidata" not in graph.nodes["RU||municipality|kostroma"]
    edges = {(d["id"], frozenset((u, v))): d for u, v, d in graph.edges(data=True)}
    assert len(edges) == 5  # m-spb, a-k, and three pairs of 'three'
    first = edges["m-spb", frozenset(("Q18125", "Q656"))]
    assert (first["kind"], first["status"], first["signed"]) == ("friendship", "active", "1962")
    assert "signed" not in edges["a-k", frozenset(("DE|DE-NW|municipality|aachen",
                                                   "RU||municipality|kostroma"))]  # fmt: skip


def test_a_graph_without_networkx_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(export.MissingExtra, match=r"sistercity\[graph\]"):
        export.render(sample(), "graphml")


def test_an_unknown_extension_is_refused() -> None:
    with pytest.raises(export.UnknownExportFormat, match=r"graphml, \.gexf or \.csv"):
        export.format_of("links.xlsx")


@settings(max_examples=50, deadline=None)
@given(st.lists(agreements(), max_size=5))
def test_the_table_has_one_row_per_pair_of_parties(links: list[sc.Agreement]) -> None:
    """Issue 13: export to .csv has one row per pair of parties."""
    rows = table(export.render(links, "csv", today="2025"))
    assert len(rows) == sum(math.comb(len(a.parties), 2) for a in links)
    assert all(set(r) == set(export.TABLE_COLUMNS) for r in rows)


@settings(max_examples=50, deadline=None)
@given(st.lists(agreements(), max_size=5))
def test_the_graph_has_one_node_per_place_key(links: list[sc.Agreement]) -> None:
    """Issue 13: the exported graph has one node per place key."""
    graph = nx.read_graphml(io.BytesIO(export.render(links, "graphml", today="2025").encode()))
    keys = {export.key_text(p.key) for a in links for p in a.parties}
    assert set(graph.nodes) == keys
    assert graph.number_of_nodes() == len(keys)
    assert graph.number_of_edges() == sum(math.comb(len(a.parties), 2) for a in links)
