"""Exports for network and table tools (``sistercity export``).

- ``.graphml`` and ``.gexf``: the agreements as a graph, through networkx (the optional extra
  ``sistercity[graph]``), for networkx, Gephi and igraph. :func:`to_graph` gives the graph
  itself.
- ``.csv``: a flat table, one row per agreement (per pair of parties), plain cells, for pandas,
  polars or R. :func:`table_rows` gives the rows.

The status is the status on a day (``on``, default today), as ``Agreement.status_on`` gives it.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import os
from collections.abc import Iterable, Iterator
from typing import Any, Final

from ._agreements import Agreement, EventType
from ._dates import PartialDate, as_day
from ._places import PlaceKey
from ._registry import Registry
from ._report import SisterCityError
from ._text import xml_text

__all__ = [
    "FORMATS",
    "TABLE_COLUMNS",
    "MissingExtra",
    "UnknownExportFormat",
    "format_of",
    "key_text",
    "render",
    "table_rows",
    "to_graph",
]

Day = dt.date | str | PartialDate

#: The export formats, by file extension.
FORMATS: Final = ("graphml", "gexf", "csv")

#: The columns of the ``.csv`` export, in order.
TABLE_COLUMNS: Final = (
    "id",
    "kind",
    "term",
    "party1_name",
    "party1_country",
    "party1_wikidata",
    "party2_name",
    "party2_country",
    "party2_wikidata",
    "signed",
    "ended",
    "status",
    "last_event",
    "last_event_date",
)

_ENDINGS: Final = (EventType.TERMINATED, EventType.EXPIRED)


class UnknownExportFormat(SisterCityError, ValueError):
    """An output whose extension is not an export format."""


class MissingExtra(SisterCityError, ImportError):
    """An export that needs an optional extra which is not installed."""


def format_of(path: str | os.PathLike[str]) -> str:
    """The export format of an output path, from its extension.

    >>> format_of("network.graphml"), format_of("links.CSV")
    ('graphml', 'csv')
    """
    suffix = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if suffix not in FORMATS:
        raise UnknownExportFormat(
            f"{os.fspath(path)}: cannot tell the export format from the extension "
            f"(expected .graphml, .gexf or .csv)"
        )
    return suffix


def key_text(key: PlaceKey) -> str:
    """A place key as text, for a graph's node id.

    A Wikidata id and ``geonames:<id>`` stay as they are; a key of fields is
    ``country|subdivision|level|name`` (an empty subdivision when there is none).

    >>> key_text("Q18125"), key_text(("US", "US-IL", "municipality", "springfield"))
    ('Q18125', 'US|US-IL|municipality|springfield')
    """
    if isinstance(key, str):
        return key
    country, subdivision, level, name = key
    return f"{country}|{subdivision or ''}|{level}|{name}"


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _first_signed(agreement: Agreement) -> str:
    for event in agreement.events:
        if event.type is EventType.SIGNED and event.date is not None:
            return str(event.date)
    return ""


def _ended(agreement: Agreement) -> str:
    for event in agreement.events:
        if event.type in _ENDINGS:
            return _text(event.date)
    return ""


def _days(on: Day | None, today: Day | None) -> tuple[dt.date, dt.date]:
    now = dt.date.today() if today is None else as_day(today)
    return (now if on is None else as_day(on)), now


def table_rows(
    agreements: Iterable[Agreement], *, on: Day | None = None, today: Day | None = None
) -> Iterator[list[str]]:
    """The rows of the ``.csv`` export (:data:`TABLE_COLUMNS`), without the header.

    One row per agreement, or per pair of parties of an agreement with more than two (in the
    order of its parties). Dates are written as in the record; ``signed`` is the first dated
    signing, ``ended`` the date of the ``terminated`` or ``expired`` event, ``status`` the
    status on ``on`` (default: ``today``, itself the real date by default), ``last_event`` the
    type and ``last_event_date`` the date of the last listed event. An absent value is an empty
    cell.
    """
    day, now = _days(on, today)
    for agreement in agreements:
        last = agreement.events[-1] if agreement.events else None
        tail = [
            _first_signed(agreement),
            _ended(agreement),
            agreement.status_on(day, today=now).value,
            "" if last is None else last.type.value,
            "" if last is None else _text(last.date),
        ]
        parties = agreement.parties
        for i, first in enumerate(parties):
            for second in parties[i + 1 :]:
                yield [
                    agreement.id,
                    agreement.kind.value,
                    _text(agreement.term),
                    first.name,
                    first.country,
                    _text(first.wikidata),
                    second.name,
                    second.country,
                    _text(second.wikidata),
                    *tail,
                ]


def _networkx() -> Any:
    try:
        return importlib.import_module("networkx")
    except ImportError:
        raise MissingExtra(
            "exporting a graph (.graphml, .gexf) needs networkx: pip install 'sistercity[graph]'"
        ) from None


def to_graph(
    agreements: Iterable[Agreement], *, on: Day | None = None, today: Day | None = None
) -> Any:
    """The agreements as a ``networkx.MultiGraph`` with plain text attributes.

    One node per place key (its id is :func:`key_text` of the key), with ``name``,
    ``country`` and, where known, ``wikidata`` (from the first party seen with that key). One
    edge per agreement between each pair of its parties, with ``id``, ``kind``, ``status`` (on
    ``on``) and, where known, ``signed`` (the first dated signing). Edge keys are unique in the
    graph (the id, then ``id#2``, ``id#3`` for an agreement of more than two parties or a
    repeated id), so that GraphML and GEXF edge ids are unique. The places and pairs are those
    of ``Registry.to_networkx``. Raises
    :class:`MissingExtra` without networkx.
    """
    nx = _networkx()
    day, now = _days(on, today)
    full = Registry(agreements).to_networkx(today=now)
    graph = nx.MultiGraph()
    for key, data in full.nodes(data=True):
        city = data["city"]
        node = {"name": city.name, "country": city.country}
        if city.wikidata is not None:
            node["wikidata"] = city.wikidata
        graph.add_node(key_text(key), **node)
    used: dict[str, int] = {}
    for first, second, data in full.edges(data=True):
        agreement: Agreement = data["agreement"]
        count = used[agreement.id] = used.get(agreement.id, 0) + 1
        edge = {
            "id": agreement.id,
            "kind": agreement.kind.value,
            "status": agreement.status_on(day, today=now).value,
        }
        signed = _first_signed(agreement)
        if signed:
            edge["signed"] = signed
        edge_key = agreement.id if count == 1 else f"{agreement.id}#{count}"
        graph.add_edge(key_text(first), key_text(second), key=edge_key, **edge)
    return graph


def render(
    agreements: Iterable[Agreement],
    format: str,
    *,
    on: Day | None = None,
    today: Day | None = None,
) -> str:
    """The text of an export in ``format`` (``"graphml"``, ``"gexf"`` or ``"csv"``).

    The ``.csv`` text is RFC 4180 with CRLF line ends and starts with a UTF-8 byte-order mark,
    as the record format's CSV does (pandas, polars and R's readr skip it; spreadsheet
    programs need it to read UTF-8). Raises :class:`UnknownExportFormat` for another format
    and :class:`MissingExtra` for a graph without networkx.
    """
    if format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(TABLE_COLUMNS)
        writer.writerows(table_rows(agreements, on=on, today=today))
        return "\ufeff" + out.getvalue()
    if format not in FORMATS:
        raise UnknownExportFormat(f"unknown export format {format!r} (expected graphml, gexf, csv)")
    nx = _networkx()
    graph = _xml_safe(nx, to_graph(agreements, on=on, today=today))
    lines = nx.generate_graphml(graph) if format == "graphml" else nx.generate_gexf(graph)
    return "\n".join(lines) + "\n"


def _xml_safe(nx: Any, graph: Any) -> Any:
    """A copy whose text XML 1.0 can hold: U+FFFE, U+FFFF, C0 controls as U+FFFD.

    networkx writes such characters as character references (``&#65534;``), which no XML
    parser accepts, so the file would not open in networkx, Gephi or igraph.
    """
    safe = nx.MultiGraph()
    for node, data in graph.nodes(data=True):
        safe.add_node(xml_text(node), **{k: xml_text(v) for k, v in data.items()})
    for first, second, key, data in graph.edges(keys=True, data=True):
        safe.add_edge(
            xml_text(first),
            xml_text(second),
            key=xml_text(key),
            **{k: xml_text(v) for k, v in data.items()},
        )
    return safe
