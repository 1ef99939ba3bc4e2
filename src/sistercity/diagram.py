"""The lifecycle state diagram, derived from the lifecycle code and drawn as SVG.

:func:`transitions` explores the lifecycle that :class:`~sistercity.Agreement` runs, for an
agreement of two parties, and collects which event types move it from one status to another.
:func:`render` draws those transitions, so the picture in the docs cannot drift from the code.

>>> edges = transitions()
>>> sorted(e.value for e in edges[(Status.ACTIVE, Status.SUSPENDED)])
['suspended']
>>> sorted(e.value for e in edges[(Status.SUSPENDED, Status.ENDED)])
['expired', 'terminated']
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Final

from ._lifecycle import Machine as _Machine
from ._svg import INK, MUTED, STATUS_COLOURS, Canvas, fmt
from ._vocab import EventType, Status

__all__ = ["render", "transitions"]

_State = tuple[frozenset[int], frozenset[int], bool, bool]

# Where each status sits in the picture (the centre of its box).
_POSITIONS: Final[Mapping[Status, tuple[float, float]]] = {
    Status.UNKNOWN: (85.0, 150.0),
    Status.PROPOSED: (315.0, 150.0),
    Status.ACTIVE: (560.0, 150.0),
    Status.SUSPENDED: (815.0, 150.0),
    Status.ENDED: (560.0, 370.0),
}
_BOX_W: Final = 130.0
_BOX_H: Final = 44.0
# How far an edge bows out of the straight line (negative: upwards), to keep labels apart.
_BOW: Final[Mapping[tuple[Status, Status], float]] = {
    (Status.UNKNOWN, Status.ACTIVE): -95.0,
    (Status.ACTIVE, Status.SUSPENDED): -28.0,
    (Status.SUSPENDED, Status.ACTIVE): -28.0,
}


def _snapshot(machine: _Machine) -> _State:
    return (
        frozenset(machine.signed),
        frozenset(machine.suspended),
        machine.ended,
        machine.started,
    )


def _restore(state: _State, parties: int) -> _Machine:
    machine = _Machine(parties)
    signed, suspended, ended, started = state
    machine.signed, machine.suspended = set(signed), set(suspended)
    machine.ended, machine.started = ended, started
    return machine


def transitions(parties: int = 2) -> dict[tuple[Status, Status], frozenset[EventType]]:
    """Every status change the lifecycle allows, with the event types that cause it.

    The key ``(a, a)`` holds the events that are allowed but leave the status as it is. The
    lifecycle is run for every event type, by each party and by all, from every state it can
    reach, so the answer is the code's, not a copy of the rules.
    """
    start: _State = (frozenset(), frozenset(), False, False)
    seen = {start}
    todo = [start]
    edges: dict[tuple[Status, Status], set[EventType]] = {}
    actors: list[int | None] = [None, *range(parties)]
    while todo:
        state = todo.pop()
        for kind in EventType:
            for actor in actors:
                machine = _restore(state, parties)
                before = machine.status
                if machine.step(kind, actor, actor is not None) is not None:
                    continue
                edges.setdefault((before, machine.status), set()).add(kind)
                after = _snapshot(machine)
                if after not in seen:
                    seen.add(after)
                    todo.append(after)
    order = list(EventType)
    return {key: frozenset(sorted(kinds, key=order.index)) for key, kinds in sorted(edges.items())}


def _names(kinds: frozenset[EventType]) -> str:
    order = list(EventType)
    return ", ".join(k.value for k in sorted(kinds, key=order.index))


def _border(centre: tuple[float, float], towards: tuple[float, float]) -> tuple[float, float]:
    """Where the line from ``centre`` to ``towards`` leaves the box around ``centre``."""
    (cx, cy), (tx, ty) = centre, towards
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return centre
    scale = min(
        (_BOX_W / 2 + 4) / abs(dx) if dx else math.inf,
        (_BOX_H / 2 + 4) / abs(dy) if dy else math.inf,
    )
    return cx + dx * scale, cy + dy * scale


def render() -> str:
    """Draw the lifecycle state diagram as SVG text.

    Boxes are the statuses, coloured as on the timeline; arrows are the changes
    :func:`transitions` finds, labelled with the event types that cause them; listed at the
    bottom left are the events that are allowed and leave the status as it is.
    """
    edges = transitions()
    canvas = Canvas(
        920,
        440,
        title="Lifecycle of a sister-city agreement",
        desc="; ".join(
            f"{a.value} to {b.value}: {_names(k)}" if a != b else f"{a.value} stays: {_names(k)}"
            for (a, b), k in edges.items()
        ),
        id_prefix="lifecycle",
    )
    root = canvas.root
    defs = canvas.group(root)
    defs.tag = "defs"
    marker = canvas.group(
        defs,
        id="lifecycle-arrow",
        viewBox="0 0 10 10",
        refX=9,
        refY=5,
        markerWidth=7,
        markerHeight=7,
        orient="auto-start-reverse",
    )
    marker.tag = "marker"
    canvas.path(marker, "M0,0 L10,5 L0,10 Z", fill=INK)

    for (a, b), kinds in edges.items():
        if a == b:
            continue
        start, end = _POSITIONS[a], _POSITIONS[b]
        bow = _BOW.get((a, b), 0.0)
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        length = math.hypot(end[0] - start[0], end[1] - start[1])
        nx, ny = (end[1] - start[1]) / length, -(end[0] - start[0]) / length
        # the control point of a quadratic curve, pushed sideways by ``bow``
        qx, qy = mx - nx * bow, my - ny * bow
        p0 = _border(start, (qx, qy))
        p1 = _border(end, (qx, qy))
        group = canvas.group(
            root,
            title=f"{a.value} to {b.value}: {_names(kinds)}",
            class_="transition",
            data_from=a.value,
            data_to=b.value,
        )
        canvas.path(
            group,
            f"M{fmt(p0[0])},{fmt(p0[1])} Q{fmt(qx)},{fmt(qy)} {fmt(p1[0])},{fmt(p1[1])}",
            fill="none",
            stroke=INK,
            stroke_width=1.5,
            marker_end="url(#lifecycle-arrow)",
        )
        _edge_label(canvas, group, _names(kinds), p0, (qx, qy), p1)

    for status, (cx, cy) in _POSITIONS.items():
        group = canvas.group(root, title=status.value, class_="state", data_status=status.value)
        fill = STATUS_COLOURS[status]
        canvas.rect(
            group,
            cx - _BOX_W / 2,
            cy - _BOX_H / 2,
            _BOX_W,
            _BOX_H,
            rx=10,
            fill=fill,
            stroke=INK,
            stroke_width=1.5,
            stroke_dasharray="5 4" if status is Status.UNKNOWN else None,
        )
        canvas.text(
            group,
            cx,
            cy + 5,
            status.value,
            text_anchor="middle",
            font_size=15,
            font_weight="600",
            fill=INK if status in (Status.UNKNOWN, Status.PROPOSED) else "#FFFFFF",
        )
        note = {Status.UNKNOWN: "no events yet", Status.ENDED: "nothing may follow"}.get(status)
        if note:
            canvas.text(
                group,
                cx,
                cy + _BOX_H / 2 + 17,
                note,
                text_anchor="middle",
                font_size=12,
                fill=MUTED,
            )
    # events that are allowed and leave the status as it is, listed bottom left
    block = canvas.group(root, class_="stays")
    canvas.text(block, 20, 330, "Allowed, status unchanged:", font_size=12, font_weight="600")
    row = 0
    for status in _POSITIONS:
        stays = edges.get((status, status))
        if not stays:
            continue
        row += 1
        canvas.text(
            block, 20, 330 + row * 17, f"{status.value}: {_names(stays)}", font_size=12, fill=INK
        )
    return canvas.to_string()


def _edge_label(
    canvas: Canvas,
    group: ET.Element,
    text: str,
    p0: tuple[float, float],
    q: tuple[float, float],
    p1: tuple[float, float],
) -> None:
    """Label an edge: above (or below) a horizontal one, beside a steep one, outside the box."""
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    horizontal = abs(dx) > 2 * abs(dy)
    # a point of the quadratic curve: near the top of a vertical edge, else its middle
    t = 0.3 if abs(dx) < 1 else 0.5
    lx = (1 - t) ** 2 * p0[0] + 2 * t * (1 - t) * q[0] + t**2 * p1[0]
    ly = (1 - t) ** 2 * p0[1] + 2 * t * (1 - t) * q[1] + t**2 * p1[1]
    if horizontal:
        lines = _wrap(text, max(8, int(abs(dx) / 7)))
        straight = abs(q[1] - (p0[1] + p1[1]) / 2) < 1
        # below a bow that bends down, and below the first straight edge (the arc is above it)
        below = q[1] > p0[1] + 1 or (straight and p0[0] < _POSITIONS[Status.PROPOSED][0])
        anchor = "middle"
        first = ly + 17 if below else ly - 7 - (len(lines) - 1) * 15
    else:
        lines = _wrap(text, 24)
        anchor = "start" if lx >= _POSITIONS[Status.ENDED][0] else "end"
        lx += 10 if anchor == "start" else -10
        first = ly
    for number, line in enumerate(lines):
        canvas.text(
            group, lx, first + number * 15, line, text_anchor=anchor, font_size=12, fill=INK
        )


def _wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
