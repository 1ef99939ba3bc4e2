"""``sistercity.statistics`` (SPEC §8): counts, events per year and the chart."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity.statistics import EVENT_COLOURS, events_chart, stats
from sistercity.strategies import agreements

NS = {"svg": "http://www.w3.org/2000/svg"}
GLASGOW = sc.City("Glasgow", "GB", wikidata="Q4093")
ROSTOV = sc.City("Rostov-on-Don", "RU", wikidata="Q908")
EDINBURGH = sc.City("Edinburgh", "GB", wikidata="Q23436")
SPB = sc.City("Saint Petersburg", "RU", wikidata="Q656")
SOURCES = ["https://example.org/"]


def sample() -> list[sc.Agreement]:
    return [
        sc.Agreement(
            "g-r",
            "twinning",
            [GLASGOW, ROSTOV],
            [
                sc.Event("signed", "1986"),
                sc.Event("suspended", "2022-02-24", by="Glasgow", reason="war"),
            ],
            sources=SOURCES,
        ),
        sc.Agreement(
            "e-spb",
            "twinning",
            [EDINBURGH, SPB],
            [sc.Event("signed", "1995~"), sc.Event("suspended", "2022-03", reason="war")],
            sources=SOURCES,
        ),
        sc.Agreement(
            "g-e", "cooperation", [GLASGOW, EDINBURGH], [sc.Event("signed")], sources=SOURCES
        ),
    ]


def test_counts_follow_the_spec() -> None:
    summary = stats(sample(), on="2021-12-31", today="2024-06-30")
    data = summary.to_json()
    assert data["agreements"] == 3
    assert data["on"] == "2021-12-31"
    # the undated signing of g-e is not known by 2021 (no dated event follows it, and 2021 is
    # before today), so its status then is unknown
    assert data["status"] == {"proposed": 0, "active": 2, "suspended": 0, "ended": 0,
                              "unknown": 1}  # fmt: skip
    assert data["kind"] == {"twinning": 2, "friendship": 0, "cooperation": 1,
                            "sponsorship": 0, "unspecified": 0}  # fmt: skip
    # an agreement between two British places counts once for GB
    assert data["countries"] == {"GB": 3, "RU": 2}
    assert data["events_per_year"] == {
        "1986": {"signed": 1},
        "1995": {"signed": 1},
        "2022": {"suspended": 2},
        "undated": {"signed": 1},
    }


def test_status_defaults_to_today() -> None:
    summary = stats(sample(), today="2024-06-30")
    assert summary.on.isoformat() == "2024-06-30"
    assert summary.status[sc.Status.SUSPENDED] == 2
    assert summary.status[sc.Status.ACTIVE] == 1


def test_a_date_counts_in_the_first_year_of_its_interval() -> None:
    link = sc.Agreement("x", "twinning", [GLASGOW, ROSTOV], [sc.Event("signed", "1999-12-31?")],
                        sources=SOURCES)  # fmt: skip
    assert stats([link], today="2024").to_json()["events_per_year"] == {"1999": {"signed": 1}}


@settings(max_examples=60, deadline=None)
@given(st.lists(agreements(), max_size=6), st.sampled_from(["1950", "2000-06", "2030-01-01"]))
def test_status_counts_add_up_to_the_agreements(links: list[sc.Agreement], on: str) -> None:
    """Issue 13: stats' status counts add up to the number of agreements."""
    summary = stats(links, on=on, today="2025-06-30")
    assert sum(summary.status.values()) == summary.agreements == len(links)
    assert sum(summary.kind.values()) == len(links)
    events = sum(len(a.events) for a in links)
    counted = sum(n for year in summary.events_per_year.values() for n in year.values())
    assert counted + sum(summary.undated.values()) == events


def test_the_chart_has_a_bar_per_year_a_legend_and_text_for_readers() -> None:
    svg = events_chart(stats(sample(), today="2024"))
    root = ET.fromstring(svg)
    assert root.find("svg:title", NS) is not None
    desc = root.find("svg:desc", NS)
    assert desc is not None and desc.text is not None
    assert "from 1986 to 2022" in desc.text and "1 undated event is not shown" in desc.text
    bars = root.findall(".//svg:g[@class='bar']", NS)
    assert [b.get("data-year") for b in bars] == ["1986", "1995", "2022"]
    (bar_2022,) = [b for b in bars if b.get("data-year") == "2022"]
    fills = [r.get("fill") for r in bar_2022.findall("svg:rect", NS)]
    assert fills == [EVENT_COLOURS[sc.EventType.SUSPENDED]]
    legend = root.find(".//svg:g[@class='legend']", NS)
    assert legend is not None
    assert [t.text for t in legend.findall("svg:text", NS)] == ["signed", "suspended"]
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Events" in texts and any(t and t.startswith("Year") for t in texts)


def test_the_stacked_bar_is_as_tall_as_the_year_total() -> None:
    links = [
        sc.Agreement(f"l{n}", "twinning", [GLASGOW, sc.City(f"P{n}", "FR")],
                     [sc.Event("signed", "1990"), sc.Event("suspended", "1990", reason="r")]
                     if n % 2 else [sc.Event("signed", "1990")], sources=SOURCES)
        for n in range(5)
    ]  # fmt: skip
    root = ET.fromstring(events_chart(stats(links, today="2024")))
    (bar,) = root.findall(".//svg:g[@class='bar']", NS)
    heights = [float(r.get("height", "0")) for r in bar.findall("svg:rect", NS)]
    tops = [float(r.get("y", "0")) for r in bar.findall("svg:rect", NS)]
    assert len(heights) == 2
    assert heights[0] / heights[1] == 5 / 2  # 5 signed, 2 suspended
    assert abs(tops[0] - (tops[1] + heights[1])) < 0.02  # stacked, no gap
    title = bar.find("svg:title", NS)
    assert title is not None and title.text == "1990: 7 (5 signed, 2 suspended)"


def test_hostile_text_keeps_the_chart_well_formed() -> None:
    svg = events_chart(stats(sample(), today="2024"), title="a\x00b\x1b<c>")
    root = ET.fromstring(svg)
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "a\ufffdb\ufffd<c>"


def test_every_event_type_has_its_own_colour() -> None:
    assert set(EVENT_COLOURS) == set(sc.EventType)
    assert len(set(EVENT_COLOURS.values())) == len(EVENT_COLOURS)
    assert all(a != b for a, b in itertools.pairwise(EVENT_COLOURS.values()))
