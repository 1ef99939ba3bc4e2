"""Summaries of a list of agreements for the people who study them (``sistercity stats``).

:func:`stats` counts agreements by status on a day, by kind and by country, and events per
year by type; :func:`events_chart` draws the events per year as a stacked bar chart (SVG).

>>> import sistercity as sc
>>> glasgow = sc.City("Glasgow", "GB", wikidata="Q4093")
>>> link = sc.Agreement(
...     "glasgow-rostov-on-don-1986", "twinning", [glasgow, sc.City("Rostov-on-Don", "RU")],
...     [sc.Event("signed", "1986"),
...      sc.Event("suspended", "2022-02-24", by="Glasgow", reason="invasion of Ukraine")],
...     sources=["https://www.glasgow.gov.uk/"])
>>> summary = stats([link], on="2021")
>>> summary.status[sc.Status.ACTIVE], summary.countries
(1, {'GB': 1, 'RU': 1})
>>> summary.to_json()["events_per_year"]
{'1986': {'signed': 1}, '2022': {'suspended': 1}}
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from ._agreements import Agreement, AgreementKind, EventType, Status
from ._chart import stacked_bars
from ._dates import PartialDate, as_day
from ._registry import Registry

__all__ = ["EVENT_COLOURS", "Stats", "events_chart", "stats"]

Day = dt.date | str | PartialDate

#: The colour of each event type in :func:`events_chart`: the Okabe-Ito palette (readable with
#: the common kinds of colour blindness) and two greys; the status colours of the timeline where
#: an event makes that status (signed: active, suspended, ended).
EVENT_COLOURS: Final[Mapping[EventType, str]] = {
    EventType.PROPOSED: "#56B4E9",
    EventType.APPROVED: "#0072B2",
    EventType.SIGNED: "#009E73",
    EventType.RATIFIED: "#004D40",
    EventType.RENEWED: "#CC79A7",
    EventType.SUSPENDED: "#E69F00",
    EventType.REINSTATED: "#F0E442",
    EventType.TERMINATED: "#D55E00",
    EventType.EXPIRED: "#999999",
}


@attrs.frozen
class Stats:
    """Counts over a list of agreements; :meth:`to_json` is ``sistercity stats --format json``.

    ``status`` (the status on ``on``) and ``kind`` list every value of their vocabulary, zeros
    included; ``countries`` counts the agreements each country takes part in (an agreement
    between two places of one country counts once), most first; ``events_per_year`` counts
    dated events by the first year of their date's interval, and ``undated`` the events
    without a date, by type.
    """

    agreements: int
    on: dt.date
    status: Mapping[Status, int]
    kind: Mapping[AgreementKind, int]
    countries: Mapping[str, int]
    events_per_year: Mapping[int, Mapping[EventType, int]]
    undated: Mapping[EventType, int]

    def to_json(self) -> dict[str, Any]:
        """The JSON document of ``stats --format json``; years as text, ``"undated"`` last."""
        years: dict[str, dict[str, int]] = {
            str(year): {t.value: n for t, n in counts.items()}
            for year, counts in self.events_per_year.items()
        }
        if self.undated:
            years["undated"] = {t.value: n for t, n in self.undated.items()}
        return {
            "agreements": self.agreements,
            "on": self.on.isoformat(),
            "status": {s.value: n for s, n in self.status.items()},
            "kind": {k.value: n for k, n in self.kind.items()},
            "countries": dict(self.countries),
            "events_per_year": years,
        }


def _by_type(counter: Counter[EventType]) -> dict[EventType, int]:
    """Counts in the vocabulary's order, zeros left out."""
    return {t: counter[t] for t in EventType if counter[t]}


def stats(
    agreements: Iterable[Agreement], *, on: Day | None = None, today: Day | None = None
) -> Stats:
    """Count agreements by status on ``on``, by kind and by country, and events per year.

    ``on`` is a day or a partial date meaning its last day; left out, it means ``today``
    (default: the real date), which also decides when undated events are known.
    One pass over the agreements.
    """
    registry = Registry(agreements)
    now = dt.date.today() if today is None else as_day(today)
    day = now if on is None else as_day(on)
    kinds: Counter[AgreementKind] = Counter()
    countries: Counter[str] = Counter()
    years: dict[int, Counter[EventType]] = {}
    undated: Counter[EventType] = Counter()
    for agreement in registry:
        kinds[agreement.kind] += 1
        countries.update({party.country for party in agreement.parties})
        for event in agreement.events:
            if event.date is None:
                undated[event.type] += 1
            else:
                years.setdefault(event.date.earliest.year, Counter())[event.type] += 1
    return Stats(
        agreements=len(registry),
        on=day,
        status=registry.status_counts(day, today=now),
        kind={k: kinds[k] for k in AgreementKind},
        countries=dict(sorted(countries.items(), key=lambda item: (-item[1], item[0]))),
        events_per_year={year: _by_type(years[year]) for year in sorted(years)},
        undated=_by_type(undated),
    )


def _undated_note(undated: int) -> str:
    if undated == 1:
        return "1 undated event is not shown."
    return f"{undated:,} undated events are not shown."


def _describe(summary: Stats) -> str:
    """The chart's ``<desc>``: what it shows, in words."""
    totals = {year: sum(c.values()) for year, c in summary.events_per_year.items()}
    dated = sum(totals.values())
    if not totals:
        text = "No dated events."
    else:
        first, last = min(totals), max(totals)
        busiest = max(totals, key=lambda year: (totals[year], -year))
        text = (
            f"A stacked bar chart of {dated:,} dated events of {summary.agreements:,} "
            f"agreements, one bar per year from {first} to {last}, one colour per event type. "
            f"The busiest year is {busiest}, with {totals[busiest]:,} events."
        )
        peaks = []
        for kind in EventType:
            per_year = {y: c.get(kind, 0) for y, c in summary.events_per_year.items()}
            if any(per_year.values()):
                peak = max(per_year, key=lambda year: (per_year[year], -year))
                peaks.append(f"{kind.value} {per_year[peak]:,} in {peak}")
        text += " Most of each type: " + "; ".join(peaks) + "."
    undated = sum(summary.undated.values())
    if undated:
        text += " " + _undated_note(undated)
    return text


def events_chart(summary: Stats, *, title: str | None = None) -> str:
    """Draw the events per year of ``summary`` as a stacked bar chart; return the SVG text.

    One bar per year (every year from the first to the last, so gaps show), one colour per
    event type (:data:`EVENT_COLOURS`), labelled axes, a legend of the types present, a
    ``<title>`` and a ``<desc>`` that says what the chart shows. Undated events are not drawn;
    a note under the legend counts them.

    >>> svg = events_chart(stats([], today="2024"))
    >>> "<desc" in svg and "No dated events." in svg
    True
    """
    undated = sum(summary.undated.values())
    note = _undated_note(undated) if undated else None
    return stacked_bars(
        {year: {t.value: n for t, n in c.items()} for year, c in summary.events_per_year.items()},
        [(t.value, colour) for t, colour in EVENT_COLOURS.items()],
        title=title or "Events per year, by type",
        desc=_describe(summary),
        x_label="Year (the first year of each event's date)",
        y_label="Events",
        note=note,
    )
