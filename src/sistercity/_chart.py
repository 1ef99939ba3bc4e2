"""A stacked bar chart drawn with the SVG helpers of :mod:`sistercity._svg`.

One bar per year, one segment per series (event types, for ``sistercity stats --plot``), a
y axis of counts with grid lines, labelled axes and a legend. The picture is a white card (the
canvas's opaque background), so it reads the same on a light and a dark page; it carries a
``<title>`` and a ``<desc>``, and each bar a ``<title>`` with its numbers (a tooltip, read by
screen readers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Final

from ._svg import INK, MUTED, Canvas
from ._text import xml_text

__all__ = ["nice_step", "stacked_bars"]

_WIDTH: Final = 860.0
_PLOT_HEIGHT: Final = 300.0
_LEFT: Final = 64.0
_RIGHT: Final = 20.0
_TOP: Final = 58.0
_CHAR: Final = 7.2
_GRID: Final = "#D9D9D9"


def nice_step(top: float, most: int = 6) -> int:
    """The smallest step of 1, 2 or 5 times a power of ten that cuts ``top`` in ``most`` or fewer.

    >>> nice_step(7), nice_step(212), nice_step(1000), nice_step(0)
    (2, 50, 200, 1)
    """
    if top <= most:
        return 1
    power = 10 ** math.floor(math.log10(top / most))
    for factor in (1, 2, 5, 10):
        step = factor * power
        if top / step <= most:
            return int(step)
    return int(10 * power)  # pragma: no cover - the loop always returns


def _year_step(years: int) -> int:
    """A step between labelled years that leaves room for each label."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if years / step <= 16:
            return step
    return 2000


def stacked_bars(
    counts: Mapping[int, Mapping[str, int]],
    series: Sequence[tuple[str, str]],
    *,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    note: str | None = None,
) -> str:
    """Draw ``counts`` (``{year: {series: count}}``) as stacked bars; return the SVG text.

    ``series`` gives each series' name and colour in stacking order (bottom first) and legend
    order; a series with no count is left out of the legend. Every year from the first to the
    last with a count has a slot, so gaps show. ``note`` is a line under the legend.
    """
    canvas = Canvas(_WIDTH, 400, title=xml_text(title), desc=xml_text(desc), id_prefix="chart")
    root = canvas.root
    canvas.text(root, _LEFT, 30, xml_text(title), fill=INK, font_size=17, font_weight="600")
    years = sorted(counts)
    first, last = (years[0], years[-1]) if years else (0, 0)
    totals = {year: sum(counts[year].values()) for year in years}
    top_count = max(totals.values(), default=0)
    step = nice_step(top_count)
    y_max = max(step, math.ceil(top_count / step) * step)
    x0, x1 = _LEFT, _WIDTH - _RIGHT
    y0, y1 = _TOP + _PLOT_HEIGHT, _TOP  # the baseline and the top of the plot
    slot = (x1 - x0) / (last - first + 1)

    def y(value: float) -> float:
        return y0 - (y0 - y1) * value / y_max

    axes = canvas.group(root, class_="axes")
    for value in range(0, y_max + 1, step):
        canvas.line(axes, x0, y(value), x1, y(value), stroke=_GRID if value else INK)
        canvas.text(axes, x0 - 8, y(value) + 4, f"{value:,}", fill=MUTED, text_anchor="end")
    year_step = _year_step(last - first + 1)
    for year in range(first, last + 1):
        if year % year_step == 0 or (year == first and year_step == 1):
            cx = x0 + slot * (year - first + 0.5)
            canvas.line(axes, cx, y0, cx, y0 + 5, stroke=INK)
            canvas.text(axes, cx, y0 + 20, str(year), fill=MUTED, text_anchor="middle")
    canvas.text(axes, (x0 + x1) / 2, y0 + 44, x_label, fill=INK, text_anchor="middle")
    canvas.text(
        axes,
        18,
        (y0 + y1) / 2,
        y_label,
        fill=INK,
        text_anchor="middle",
        transform=f"rotate(-90 18 {(y0 + y1) / 2:.1f})",
    )

    bars = canvas.group(root, class_="bars")
    width = max(slot * 0.8, 1.0)
    for year in years:
        parts = [(name, counts[year].get(name, 0)) for name, _ in series]
        shown = ", ".join(f"{n} {name}" for name, n in parts if n)
        bar = canvas.group(
            bars, title=f"{year}: {totals[year]:,} ({shown})", class_="bar", data_year=year
        )
        left = x0 + slot * (year - first) + (slot - width) / 2
        height_so_far = 0
        for (name, n), (_, colour) in zip(parts, series, strict=True):
            if not n:
                continue
            canvas.rect(
                bar,
                left,
                y(height_so_far + n),
                width,
                y(height_so_far) - y(height_so_far + n),
                fill=colour,
                class_=f"segment {name}",
            )
            height_so_far += n

    present = [
        (name, colour) for name, colour in series if any(c.get(name) for c in counts.values())
    ]
    legend = canvas.group(root, class_="legend")
    cx, cy = x0, y0 + 66
    for name, colour in present:
        item = 24 + len(name) * _CHAR
        if cx > x0 and cx + item > x1:
            cx, cy = x0, cy + 24
        canvas.rect(legend, cx, cy, 16, 16, fill=colour, stroke=INK, stroke_width=0.5)
        canvas.text(legend, cx + 22, cy + 13, name, fill=INK)
        cx += item + 18
    bottom = cy + 24
    if note:
        canvas.text(root, x0, bottom + 14, xml_text(note), fill=MUTED)
        bottom += 24
    canvas.resize(_WIDTH, bottom + 8)
    return canvas.to_string()
