"""Importers: Wikidata P190 statements and tables people keep, to records.

Every importer turns its input into record dicts in the record format plus importer issues
(``unmapped-term``, ``deprecated-statement``, ``missing-reciprocal``,
``conflicting-statements``, ``unresolved-reference``), then sends every record through the one
record check that ``sistercity validate`` runs (:func:`sistercity._record.check_record`). So what
an importer writes validates, and a record the check refuses is reported, never written.

- :func:`import_wikidata` reads entity JSON (``Special:EntityData``, ``wbgetentities``, dump
  lines) and the JSON results of the SPARQL query in :data:`SPARQL_QUERY`;
- :func:`import_table` reads CSV or TSV with a TOML mapping file (:func:`load_mapping`).

Both return an :class:`ImportResult`; neither raises for bad data. An input or a mapping file
that cannot be used at all raises :class:`ImportFailed` (or :class:`MappingError`). The table
importer needs the optional extra ``sistercity[tables]``; without it, it raises
:class:`MissingExtra` (a ``SisterCityError`` and an ``ImportError``) naming the extra.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from .._agreements import Agreement
from .._dates import PartialDate
from .._record import check_record
from .._report import Issue, SisterCityError
from ..serialization import to_dict

__all__ = [
    "SPARQL_QUERY",
    "ImportFailed",
    "ImportResult",
    "MappingError",
    "MissingExtra",
    "TableMapping",
    "import_table",
    "import_wikidata",
    "load_mapping",
]


class ImportFailed(SisterCityError, ValueError):
    """An input that an importer cannot use at all (unreadable file, wrong format)."""


#: The most an importer reads of one input file, in bytes (256 MiB): a table or a Wikidata
#: JSON file is read whole, so a larger one (or an endless one, such as /dev/zero) is refused
#: rather than filling the memory.
INPUT_LIMIT: Final = 256 * 2**20


def read_input(path: str, what: str, limit: int = INPUT_LIMIT) -> bytes:
    """The bytes of one input file, at most ``limit``; :class:`ImportFailed` otherwise.

    ``what`` names the kind of file for messages ("a table", "a Wikidata JSON file").
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except IsADirectoryError:
        raise ImportFailed(f"{path}: is a directory, not {what}") from None
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise ImportFailed(
            f"{path}: longer than {limit // 2**20} MiB, the most an importer reads of one "
            "file; split it into smaller files"
        )
    return data


class MappingError(ImportFailed):
    """A table mapping file that cannot be used: unknown keys, missing or unknown columns."""


@attrs.frozen
class ImportResult:
    """What an import produced.

    ``agreements`` passed the record check (``records``: their canonical dicts); ``issues``
    are every finding, importer and record rules alike, each located (``file``, ``line``,
    ``path``). ``read`` counts table rows or Wikidata statements read; ``refused`` counts the
    rows or statements not imported, by rule (errors only); ``skipped`` counts statements left
    out on purpose, by rule (``deprecated-statement``); ``merged`` counts rows or statements
    folded into a record that another one started.
    """

    agreements: list[Agreement]
    issues: list[Issue]
    read: int
    refused: Mapping[str, int]
    skipped: Mapping[str, int] = attrs.field(factory=dict)
    merged: int = 0

    @property
    def ok(self) -> bool:
        """Whether nothing was refused."""
        return not any(self.refused.values())

    @property
    def records(self) -> list[dict[str, Any]]:
        """The canonical record dicts of :attr:`agreements`."""
        return [to_dict(agreement) for agreement in self.agreements]


@attrs.define
class Draft:
    """A record under construction, with where it came from (internal)."""

    raw: dict[str, Any]
    file: str | None
    line: int | None
    issues: list[Issue] = attrs.field(factory=list)
    #: the lines of every row merged into this record (tables), when more than one
    lines: list[int] = attrs.field(factory=list)
    #: how many rows or statements this record stands for
    weight: int = 1


def finish(
    drafts: Iterable[Draft],
    issues: list[Issue],
    refused: Counter[str],
    *,
    today: dt.date | None,
) -> list[Agreement]:
    """Run the one record check over every draft: keep what passes, report what does not.

    A draft that breaks a record rule is refused: every one of its issues is reported at its
    file and line, and the first error's rule is counted in ``refused``, once for each row
    merged into it.
    """
    day = today or dt.date.today()
    out: list[Agreement] = []
    for draft in drafts:
        found, agreement = check_record(draft.raw, today=day)
        rid = draft.raw.get("id") if isinstance(draft.raw.get("id"), str) else None
        located = [
            issue.located(file=draft.file, line=draft.line, id=rid)
            for issue in [*draft.issues, *found]
        ]
        issues.extend(located)
        if agreement is None:
            errors = [issue for issue in found if issue.is_error]
            refused[errors[0].rule if errors else "malformed-record"] += draft.weight
            rows = ", ".join(map(str, draft.lines))
            for line in draft.lines[1:]:
                issues.append(
                    attrs.evolve(
                        errors[0],
                        message=f"the rows on lines {rows} state one agreement, which breaks "
                        f"this rule once merged (see line {draft.line}); none of them is "
                        "imported",
                    ).located(file=draft.file, line=line, id=rid)
                )
            continue
        out.append(agreement)
    return out


def refine(a: PartialDate | None, b: PartialDate | None) -> tuple[PartialDate | None, bool]:
    """Merge two statements of one date: ``(merged, agreed)``.

    Equal dates agree; an undated statement agrees with a dated one, and a date agrees with a
    finer one inside it (``1995`` and ``1995-02-18``): the finer is taken. Anything else is a
    disagreement, and the first date is kept.

    >>> refine(PartialDate("1995"), PartialDate("1995-02-18"))
    (<PartialDate('1995-02-18')>, True)
    >>> refine(PartialDate("1995"), PartialDate("1996"))
    (<PartialDate('1995')>, False)
    """
    if a is None or a == b:
        return (b if a is None else a), True
    if b is None:
        return a, True
    if a.qualifier == b.qualifier:
        if a.earliest <= b.earliest and b.latest <= a.latest:
            return b, True
        if b.earliest <= a.earliest and a.latest <= b.latest:
            return a, True
    return a, False


# The importers use the helpers above, so they are imported last.
from .countries import MissingExtra  # noqa: E402
from .tables import TableMapping, import_table, load_mapping  # noqa: E402
from .wikidata import SPARQL_QUERY, import_wikidata  # noqa: E402
