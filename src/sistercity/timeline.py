"""Timelines: the agreements of a place as bars along a time axis, drawn as SVG.

:func:`render` draws one bar per agreement. A bar is coloured by the agreement's status over
time (proposed, active, suspended, ended) and each event is marked on it. Dates are drawn as
honestly as they are known:

- an event known to the day is a tick on that day;
- an event known only to the month or the year is a translucent band over the whole month or
  year, with a bracket above the bar: the change happened somewhere in it;
- an undated event is a ``?`` marker at the start of the stretch where it must have happened
  (after the event listed before it and before the next dated one), and that stretch is a band;
- an act decided before it took effect (``decided`` earlier than ``date``) has a lead-in: a
  thin line under the bar from the day it was decided to the event's mark.

The picture carries a ``<title>`` and a ``<desc>`` that say in words what it shows.

>>> import sistercity as sc
>>> link = sc.Agreement(
...     id="glasgow-rostov-on-don-1986", kind="twinning",
...     parties=[sc.City("Glasgow", "GB"), sc.City("Rostov-on-Don", "RU")],
...     events=[sc.Event("signed", "1986"),
...             sc.Event("suspended", "2022-02-24", by="Glasgow", reason="invasion of Ukraine")],
... )
>>> svg = render([link], place="Glasgow (GB)", today="2024-06-01")
>>> svg.startswith('<?xml')
True
>>> svg.count('class="bar"')
1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import attrs

from ._agreements import Agreement, EventType, Status, lifecycle_steps, replay
from ._dates import PartialDate, as_day
from ._identity import AmbiguousPlace, UnknownPlace, resolve_place
from ._places import City, PlaceKey
from ._report import SisterCityError
from ._svg import INK, MUTED, STATUS_COLOURS, Canvas, fmt

__all__ = ["EventSpan", "NoSuchPlace", "bar_spans", "render"]

_WIDTH: Final = 800.0
_ROW: Final = 46.0
_BAR: Final = 16.0
_TOP: Final = 56.0
_PAD: Final = 16.0
_CHAR: Final = 7.2
_SHOWN: Final = (Status.PROPOSED, Status.ACTIVE, Status.SUSPENDED, Status.ENDED)


class NoSuchPlace(SisterCityError, LookupError):
    """The place asked for is a party to none of the agreements, or names several places."""


@attrs.frozen
class EventSpan:
    """Where one event of an agreement can lie on the time axis, and the status after it.

    ``start`` is the first day the event could have happened and ``end`` the day after the
    last (a half-open interval, so a year runs from 1 January to the next 1 January). For an
    undated event they bound the stretch in which it must have happened; ``dated`` is false.
    ``decided`` is the first day the act could have been decided, for a dated event decided
    before it could take effect (the start of its lead-in), else ``None``.
    """

    type: EventType
    start: dt.date
    end: dt.date
    status: Status
    dated: bool
    label: str
    decided: dt.date | None = None


def _event_label(agreement: Agreement, index: int) -> str:
    event = agreement.events[index]
    text = event.type.value
    text += f" {event.date}" if event.date is not None else " (date unknown)"
    if event.by is not None:
        text += f" by {event.by}"
    if event.body is not None:
        text += f" ({event.body})"
    if event.decided is not None and event.decided != event.date:
        text += f", decided {event.decided}"
    if event.reason is not None:
        text += f": {event.reason}"
    return text


def bar_spans(
    agreement: Agreement, today: dt.date, origin: dt.date | None = None
) -> list[EventSpan]:
    """The interval of each event of ``agreement``, with the status after it.

    An undated event lies between the end of the event listed before it and the start of the
    next dated event (or ``today`` when none follows). When no event is listed before it,
    nothing bounds it from below: it starts at ``origin`` (the start of the time axis), or,
    without one, where its upper bound is.

    >>> import sistercity as sc
    >>> a = sc.Agreement(id="x", kind="twinning",
    ...                  parties=[sc.City("A", "FR"), sc.City("B", "DE")],
    ...                  events=[sc.Event("signed", "1962"), sc.Event("renewed")])
    >>> for s in bar_spans(a, dt.date(2000, 1, 1)):
    ...     print(s.type.value, s.start, s.end, s.status.value, s.dated)
    signed 1962-01-01 1963-01-01 active True
    renewed 1963-01-01 2000-01-01 active False
    """
    statuses = [t.status for t in replay(lifecycle_steps(agreement), len(agreement.parties))]
    dates = [event.date for event in agreement.events]
    # the earliest day of the next dated event after each position, found in one backward
    # sweep, so that many undated events cost linear time
    following: list[dt.date | None] = [None] * len(dates)
    upcoming: dt.date | None = None
    for index in range(len(dates) - 1, -1, -1):
        following[index] = upcoming
        date = dates[index]
        if date is not None:
            upcoming = date.earliest
    one_day = dt.timedelta(days=1)
    spans: list[EventSpan] = []
    previous_end: dt.date | None = None
    for index, date in enumerate(dates):
        decided = agreement.events[index].decided
        lead_in = None
        if date is not None:
            start, end = date.earliest, date.latest + one_day
            if decided is not None and decided.earliest < start:
                lead_in = decided.earliest
        else:
            after = following[index]
            end = after if after is not None else today
            start = previous_end if previous_end is not None else (origin or end)
            start = min(start, end)
        spans.append(
            EventSpan(
                agreement.events[index].type,
                start,
                end,
                statuses[index],
                date is not None,
                _event_label(agreement, index),
                lead_in,
            )
        )
        previous_end = end if previous_end is None else max(previous_end, end)
    return spans


def _place_matcher(
    agreements: Sequence[Agreement], place: City | PlaceKey | str
) -> tuple[Callable[[City], bool], str]:
    """A test for "is this party the place?", and the place's label for titles.

    ``place`` is a place reference, resolved as everywhere (``_identity.resolve_place``).
    """
    places: dict[PlaceKey, City] = {}
    for agreement in agreements:
        for party in agreement.parties:
            places.setdefault(party.key, party)
    try:
        wanted_key = resolve_place(place, list(places.values()))
    except (AmbiguousPlace, UnknownPlace) as exc:
        raise NoSuchPlace(str(exc)) from None
    if wanted_key is None or wanted_key not in places:
        raise NoSuchPlace(f"no agreement has a party {place!r}")
    return (lambda c: c.key == wanted_key), places[wanted_key].label()


def _ticks(first: dt.date, last: dt.date) -> tuple[int, int, int]:
    """Axis start year, end year (both on a step) and the step between year ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        start = first.year // step * step
        end = -(-(last.year + 1) // step) * step
        if (end - start) // step <= 12:
            return start, end, step
    return first.year, last.year + 1, max(1, (last.year + 1 - first.year) // 10)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(
    agreements: Iterable[Agreement],
    place: City | PlaceKey | str | None = None,
    today: dt.date | str | PartialDate | None = None,
    *,
    since: dt.date | str | PartialDate | None = None,
    title: str | None = None,
) -> str:
    """Draw the agreements (of ``place``, when given) as an SVG timeline; return its text.

    ``place`` is a :class:`~sistercity.City`, a place key (a Wikidata id such as ``"Q18125"``,
    ``"geonames:<id>"`` or a key tuple), or a name (``"Manchester"``, ``"Manchester (GB)"``,
    or a former name); a name that fits several places raises :class:`NoSuchPlace`, and so does
    a place that is a party to none of the agreements. With a place, each bar is labelled with
    the partner; without, with every party. ``today`` (default: the real date) is where bars
    that have not ended stop; a partial date means its last day.

    ``since`` starts the time axis at that year (a partial date or a day; by default the axis
    starts before the earliest event): what happened before is cut at the left edge, so a
    recent stretch, such as the suspensions of 2022, can be seen close up. ``title`` replaces
    the heading ("Agreements of Manchester (GB)").
    """
    now = dt.date.today() if today is None else as_day(today)
    chosen = list(agreements)
    heading = "Sister-city agreements"
    matcher: Callable[[City], bool] | None = None
    if place is not None:
        matcher, place_label = _place_matcher(chosen, place)
        chosen = [a for a in chosen if any(matcher(p) for p in a.parties)]
        heading = f"Agreements of {place_label}"
    if title is not None:
        heading = title
    first = None
    if since is not None:
        first = since.earliest if isinstance(since, PartialDate) else as_day(since)
    days = [now] if first is None else [now, first]
    for agreement in chosen:
        for event in agreement.events:
            if event.date is not None:
                days += [event.date.earliest, event.date.latest]
                if event.decided is not None:
                    days.append(min(event.decided.earliest, event.date.earliest))
    if first is not None:
        days = [day for day in days if day >= first]
    start_year, end_year, step = _ticks(min(days), max(days))
    axis_start, axis_end = dt.date(start_year, 1, 1), dt.date(end_year, 1, 1)
    rows = [(a, bar_spans(a, now, axis_start)) for a in chosen]
    rows.sort(key=lambda row: min((s.start for s in row[1] if s.dated), default=dt.date.max))

    labels = []
    for agreement, _ in rows:
        others = [p for p in agreement.parties if matcher is None or not matcher(p)]
        labels.append(" \N{EN DASH} ".join(p.label() for p in others or agreement.parties))
    label_width = min(300.0, max([len(x) for x in labels] + [18]) * _CHAR + 12)
    x0, x1 = _PAD + label_width, _WIDTH - _PAD
    span = (axis_end - axis_start).days

    def x(day: dt.date) -> float:
        """Where ``day`` is on the axis; a day outside it is drawn at the nearer edge."""
        return min(max(x0 + (day - axis_start).days / span * (x1 - x0), x0), x1)

    summaries = []
    for (agreement, spans), label in zip(rows, labels, strict=True):
        events = "; ".join(s.label for s in spans) or "no events"
        state = agreement.status_on(now, today=now).value
        summaries.append(f"{label}, {agreement.kind.value}: {events}; status now {state}")
    desc = (
        f"{len(rows)} agreement(s), from {axis_start.year} to {axis_end.year}. "
        + ". ".join(summaries)
        + ("." if summaries else "")
    )
    canvas = Canvas(_WIDTH, 100, title=heading, desc=desc, id_prefix="timeline")
    root = canvas.root
    canvas.text(root, _PAD, 24, heading, font_size=17, font_weight="600", fill=INK)
    canvas.text(
        root,
        _PAD,
        42,
        f"Status on {now.isoformat()}; bands show dates known only to the month or year"
        + (f"; bars are cut at {axis_start.year}." if since is not None else "."),
        font_size=12,
        fill=MUTED,
    )
    plot_bottom = _TOP + max(len(rows), 1) * _ROW
    axis = canvas.group(root, class_="axis")
    canvas.rect(axis, x0, _TOP - 6, x1 - x0, plot_bottom - _TOP + 6, fill="#FAFAFA", stroke="none")
    for year in range(start_year, end_year + 1, step):
        tx = x(dt.date(year, 1, 1))
        canvas.line(axis, tx, _TOP - 6, tx, plot_bottom, stroke="#DDDDDD", stroke_width=1)
        canvas.text(
            axis,
            tx,
            plot_bottom + 16,
            str(year),
            text_anchor="middle",
            font_size=12,
            fill=MUTED,
            class_="tick",
        )
    if not rows:
        canvas.text(root, x0 + 8, _TOP + _ROW / 2, "no agreements", fill=MUTED)

    for row, ((agreement, spans), label) in enumerate(zip(rows, labels, strict=True)):
        top = _TOP + row * _ROW
        bar_y = top + (_ROW - _BAR) / 2 + 4
        state = agreement.status_on(now, today=now)
        bar = canvas.group(
            root,
            title=summaries[row],
            class_="bar",
            data_id=agreement.id,
            data_status=state.value,
        )
        canvas.text(bar, _PAD, bar_y + 6, _short(label, int(label_width // _CHAR)), fill=INK)
        canvas.text(
            bar,
            _PAD,
            bar_y + 20,
            f"{agreement.kind.value} · {state.value} now",
            font_size=11,
            fill=MUTED,
        )
        # solid segments: the status after an event, from its end to the next event's start
        for index, current in enumerate(spans):
            last = index + 1 == len(spans)
            until = max(now, current.end) if last else spans[index + 1].start
            low, high = x(current.end), x(until)
            if high - low <= 0:
                continue
            ended = current.status is Status.ENDED
            canvas.rect(
                bar,
                low,
                bar_y + (_BAR * 0.3 if ended else 0),
                high - low,
                _BAR * (0.4 if ended else 1),
                fill=STATUS_COLOURS[current.status],
                class_=f"segment {current.status.value}",
            )
        # bands and markers: where each event can lie
        for current in spans:
            if current.end <= axis_start:
                continue  # before the axis (``since``): its effect shows in the segments
            low, high = x(current.start), x(current.end)
            mark = canvas.group(bar, title=current.label, class_="event", data_type=current.type)
            if current.decided is not None:
                # the lead-in: decided, then in force from the mark on
                lead_y = bar_y + _BAR + 5
                canvas.line(
                    mark,
                    x(current.decided),
                    lead_y,
                    low,
                    lead_y,
                    stroke=INK,
                    stroke_width=1.2,
                    class_="lead-in",
                    data_decided=current.decided.isoformat(),
                )
                canvas.circle(
                    mark,
                    x(current.decided),
                    lead_y,
                    2.5,
                    fill="#FFFFFF",
                    stroke=INK,
                    class_="decided",
                )
            wide = (current.end - current.start).days > 1
            if wide:
                canvas.rect(
                    mark,
                    low,
                    bar_y,
                    high - low,
                    _BAR,
                    fill=STATUS_COLOURS[current.status],
                    fill_opacity="0.45",
                    class_="band",
                    data_earliest=current.start.isoformat(),
                    data_latest=(current.end - dt.timedelta(days=1)).isoformat(),
                )
            if not current.dated:
                canvas.circle(mark, low, bar_y - 7, 6.5, fill="#FFFFFF", stroke=INK)
                canvas.text(
                    mark,
                    low,
                    bar_y - 3,
                    "?",
                    text_anchor="middle",
                    font_size=11,
                    font_weight="700",
                    fill=INK,
                    class_="undated",
                )
            elif wide:
                canvas.path(
                    mark,
                    f"M{fmt(low)},{fmt(bar_y - 2)} V{fmt(bar_y - 7)} H{fmt(high)} "
                    f"V{fmt(bar_y - 2)}",
                    fill="none",
                    stroke=INK,
                    stroke_width=1.5,
                    class_="bracket",
                )
            else:
                canvas.line(mark, low, bar_y - 4, low, bar_y + _BAR + 4, stroke=INK, stroke_width=2)
                canvas.path(
                    mark,
                    f"M{fmt(low - 4)},{fmt(bar_y - 9)} H{fmt(low + 4)} "
                    f"L{fmt(low)},{fmt(bar_y - 3)} Z",
                    fill=INK,
                    class_="tick-marker",
                )

    if axis_start <= now <= axis_end:
        nx = x(now)
        canvas.line(
            root, nx, _TOP - 10, nx, plot_bottom, stroke=INK, stroke_dasharray="4 3", class_="today"
        )
        canvas.text(root, nx, _TOP - 14, "today", text_anchor="middle", font_size=11, fill=INK)

    height = _legend(canvas, plot_bottom + 36)
    canvas.resize(_WIDTH, height)
    return canvas.to_string()


def _legend(canvas: Canvas, top: float) -> float:
    """Draw the legend from ``top``, in as many rows as it needs; return the picture's height."""
    legend = canvas.group(canvas.root, class_="legend")
    row_height = _BAR + 14
    cx, cy = _PAD, top

    def place(width: float) -> tuple[float, float]:
        nonlocal cx, cy
        if cx > _PAD and cx + width > _WIDTH - _PAD:
            cx, cy = _PAD, cy + row_height
        at = (cx, cy)
        cx += width + 22
        return at

    for status in _SHOWN:
        ended = status is Status.ENDED
        x, y = place(30 + len(status.value) * _CHAR)
        canvas.rect(
            legend,
            x,
            y + (4.8 if ended else 0),
            24,
            _BAR * (0.4 if ended else 1),
            fill=STATUS_COLOURS[status],
        )
        canvas.text(legend, x + 30, y + 12, status.value, fill=INK)
    text = "date known to the month or year"
    x, y = place(30 + len(text) * _CHAR)
    canvas.rect(legend, x, y, 24, _BAR, fill=STATUS_COLOURS[Status.ACTIVE], fill_opacity="0.45")
    canvas.path(
        legend,
        f"M{fmt(x)},{fmt(y - 2)} V{fmt(y - 7)} H{fmt(x + 24)} V{fmt(y - 2)}",
        fill="none",
        stroke=INK,
        stroke_width=1.5,
    )
    canvas.text(legend, x + 30, y + 12, text, fill=INK)
    text = "date unknown"
    x, y = place(18 + len(text) * _CHAR)
    canvas.circle(legend, x + 6, y + 7, 6.5, fill="#FFFFFF", stroke=INK)
    canvas.text(legend, x + 6, y + 11, "?", text_anchor="middle", font_size=11, font_weight="700")
    canvas.text(legend, x + 18, y + 12, text, fill=INK)
    text = "decided, then in force"
    x, y = place(30 + len(text) * _CHAR)
    canvas.line(legend, x + 3, y + 8, x + 24, y + 8, stroke=INK, stroke_width=1.2)
    canvas.circle(legend, x + 3, y + 8, 2.5, fill="#FFFFFF", stroke=INK)
    canvas.line(legend, x + 24, y + 2, x + 24, y + 14, stroke=INK, stroke_width=2)
    canvas.text(legend, x + 30, y + 12, text, fill=INK)
    return cy + row_height


# ---------------------------------------------------------------------------------------------
# Command line: sistercity timeline PATH [--place KEY] -o FILE.svg
# ---------------------------------------------------------------------------------------------
