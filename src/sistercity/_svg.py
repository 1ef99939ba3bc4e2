r"""Small helpers to build SVG pictures with the standard library only.

The pictures (:mod:`sistercity.timeline`, :mod:`sistercity.diagram`) are built as an
:mod:`xml.etree.ElementTree` tree and written as text, so they need no drawing library. Colours
follow the Okabe-Ito palette, which stays readable for the common kinds of colour blindness.

Pictures show data, and data is hostile. Texts, titles, descriptions and attribute values go
into the tree through :func:`sistercity._text.printable`, so control and bidirectional
formatting characters read ``\x1b``, ``\u202e`` as in every human-readable output; and
:meth:`Canvas.to_string` passes the document through :func:`sistercity._text.xml_text`, so it
is well-formed XML 1.0 whatever the records hold (what XML cannot hold, such as U+FFFF or a
lone surrogate, is shown as U+FFFD; ElementTree escapes the markup characters).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Final

from ._text import printable, xml_text
from ._vocab import Status

__all__ = [
    "STATUS_COLOURS",
    "SVG_NS",
    "Canvas",
    "fmt",
]

SVG_NS: Final = "http://www.w3.org/2000/svg"

#: The fill colour of each status, shared by the timeline and the lifecycle diagram.
STATUS_COLOURS: Final[Mapping[Status, str]] = {
    Status.PROPOSED: "#56B4E9",
    Status.ACTIVE: "#009E73",
    Status.SUSPENDED: "#E69F00",
    Status.ENDED: "#999999",
    Status.UNKNOWN: "#FFFFFF",
}

INK: Final = "#222222"
MUTED: Final = "#666666"
FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def fmt(value: float) -> str:
    """A coordinate as short, stable text: two decimals at most, no trailing zeros.

    >>> fmt(12.0), fmt(3.14159), fmt(-0.0)
    ('12', '3.14', '0')
    """
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(values: Mapping[str, object]) -> dict[str, str]:
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        out[name] = fmt(value) if isinstance(value, float) else printable(str(value))
    return out


def _set_text(element: ET.Element, text: str) -> ET.Element:
    element.text = printable(text)
    return element


class Canvas:
    """An SVG document under construction: a root element and helpers to add shapes.

    Keyword arguments become attributes: ``stroke_width=2`` is written ``stroke-width="2"``
    and a trailing underscore is dropped (``class_="bar"``). ``None`` leaves an attribute out.

    >>> c = Canvas(100, 50, title="A box")
    >>> _ = c.rect(c.root, 0, 0, 10, 5, fill="red")
    >>> print(c.to_string().splitlines()[1][:60])
    <svg xmlns="http://www.w3.org/2000/svg" width="100" height="
    """

    def __init__(
        self,
        width: float,
        height: float,
        *,
        title: str,
        desc: str | None = None,
        id_prefix: str = "sc",
    ) -> None:
        labels = f"{id_prefix}-title {id_prefix}-desc" if desc else f"{id_prefix}-title"
        self.root = ET.Element(
            "svg",
            _attrs(
                {
                    "xmlns": SVG_NS,
                    "width": float(width),
                    "height": float(height),
                    "viewBox": f"0 0 {fmt(width)} {fmt(height)}",
                    "role": "img",
                    "aria-labelledby": labels,
                    "font-family": FONT,
                    "font-size": 13,
                }
            ),
        )
        _set_text(ET.SubElement(self.root, "title", _attrs({"id": f"{id_prefix}-title"})), title)
        if desc:
            _set_text(ET.SubElement(self.root, "desc", _attrs({"id": f"{id_prefix}-desc"})), desc)
        # an opaque background, so the picture reads the same on a dark page
        self.background = self.rect(
            self.root, 0, 0, width, height, fill="#FFFFFF", class_="background"
        )

    def resize(self, width: float, height: float) -> None:
        """Set the final size once the content is laid out."""
        self.root.set("width", fmt(width))
        self.root.set("height", fmt(height))
        self.root.set("viewBox", f"0 0 {fmt(width)} {fmt(height)}")
        self.background.set("width", fmt(width))
        self.background.set("height", fmt(height))

    @staticmethod
    def group(parent: ET.Element, *, title: str | None = None, **attrs: object) -> ET.Element:
        """Add a ``<g>``, with a ``<title>`` child (a tooltip, read by screen readers)."""
        g = ET.SubElement(parent, "g", _attrs(attrs))
        if title is not None:
            _set_text(ET.SubElement(g, "title"), title)
        return g

    @staticmethod
    def rect(
        parent: ET.Element, x: float, y: float, width: float, height: float, **attrs: object
    ) -> ET.Element:
        """Add a rectangle."""
        values: dict[str, object] = {
            "x": float(x),
            "y": float(y),
            "width": float(max(width, 0.0)),
            "height": float(height),
        }
        values.update(attrs)
        return ET.SubElement(parent, "rect", _attrs(values))

    @staticmethod
    def line(
        parent: ET.Element, x1: float, y1: float, x2: float, y2: float, **attrs: object
    ) -> ET.Element:
        """Add a line."""
        values: dict[str, object] = {
            "x1": float(x1),
            "y1": float(y1),
            "x2": float(x2),
            "y2": float(y2),
        }
        values.update(attrs)
        return ET.SubElement(parent, "line", _attrs(values))

    @staticmethod
    def path(parent: ET.Element, d: str, **attrs: object) -> ET.Element:
        """Add a path."""
        values: dict[str, object] = {"d": d}
        values.update(attrs)
        return ET.SubElement(parent, "path", _attrs(values))

    @staticmethod
    def circle(parent: ET.Element, cx: float, cy: float, r: float, **attrs: object) -> ET.Element:
        """Add a circle."""
        values: dict[str, object] = {"cx": float(cx), "cy": float(cy), "r": float(r)}
        values.update(attrs)
        return ET.SubElement(parent, "circle", _attrs(values))

    @staticmethod
    def text(parent: ET.Element, x: float, y: float, content: str, **attrs: object) -> ET.Element:
        """Add a text."""
        values: dict[str, object] = {"x": float(x), "y": float(y)}
        values.update(attrs)
        return _set_text(ET.SubElement(parent, "text", _attrs(values)), content)

    def to_string(self) -> str:
        """The document as text, with an XML declaration and a final newline.

        Well-formed whatever the texts and attributes hold: one pass of
        :func:`~sistercity._text.xml_text` over the serialised document, which also covers
        elements added to :attr:`root` directly.
        """
        ET.indent(self.root, space=" ")
        body = xml_text(ET.tostring(self.root, encoding="unicode"))
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
