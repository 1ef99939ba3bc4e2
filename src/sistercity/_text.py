"""Text that is safe to show: terminals, XML and spreadsheets read data as commands.

Data is hostile until shown safe. Human-readable output (text reports, ``show``, messages)
shows C0 and C1 control characters and bidirectional formatting characters escaped, so that a
record cannot move the cursor, rewrite a line or set a terminal's title
(:func:`printable`). XML output (SVG pictures, JUnit reports) replaces what XML 1.0 cannot hold
with U+FFFD (:func:`xml_text`). CSV for spreadsheets may prefix formula cells
(:func:`defuse_formula`), as OWASP advises against CSV injection.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["count_records", "defuse_formula", "printable", "xml_text"]

# C0 controls except none (tab and newline are escaped too: one issue is one line), DEL, C1
# controls, and the bidirectional formatting characters (LRE..RLO, LRI..PDI, LRM/RLM/ALM).
_UNSAFE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
# What XML 1.0 cannot hold: C0 controls but tab, newline and carriage return; surrogates;
# U+FFFE and U+FFFF.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""``text`` with control and bidirectional formatting characters escaped.

    >>> printable("Glasgow\x1b[2J\u202eevil")
    'Glasgow\\x1b[2J\\u202eevil'
    >>> printable("Łódź")
    'Łódź'
    """
    if text.isprintable():
        return text
    return _UNSAFE.sub(_escape, text)


def xml_text(text: str) -> str:
    r"""``text`` with every character XML 1.0 cannot hold replaced by U+FFFD.

    >>> xml_text("a\x00b\uffff")
    'a\ufffdb\ufffd'
    """
    return _NOT_XML.sub("\ufffd", text)


def defuse_formula(cell: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with ``'``.

    >>> defuse_formula("=1+2"), defuse_formula("Kyiv")
    ("'=1+2", 'Kyiv')
    """
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def count_records(n: int) -> str:
    """``n`` records, in words for a message: ``1 record``, ``2 records``."""
    return "1 record" if n == 1 else f"{n} records"
