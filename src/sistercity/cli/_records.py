"""The valid agreements of an input file, for the commands that keep or study lists.

``diff``, ``stats`` and ``export`` read each input through the one validation loop
(:class:`~sistercity.validation.Validation`, record and collection rules, each input on its
own), write every issue to standard error as ``validate`` does, and go on with the records
that validate: a record named by a collection-rule error (two records with one id) takes no
part, like any other invalid record.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import Any

import attrs

from .._agreements import Agreement
from .._read import MAX_RECORD_BYTES
from ..validation import RecordMemo, Validation
from ._args import UsageError, open_input
from ._output import Locator, write

__all__ = ["Checked", "read_valid"]


@attrs.frozen
class Checked:
    """The valid records of one input, in file order, and what the check found.

    ``agreements`` holds them built (when asked for), else ``raw`` holds their record dicts.
    """

    agreements: list[Agreement]
    raw: list[Mapping[str, Any]]
    records: int
    invalid: int
    errors: int


def read_valid(
    command: str,
    path: str,
    input_format: str | None,
    locator: Locator,
    today: dt.date,
    *,
    build: bool = True,
    max_record_bytes: int = MAX_RECORD_BYTES,
    memo: RecordMemo | None = None,
) -> Checked:
    """Check one input on its own; every issue goes to stderr in ``validate``'s text format.

    With ``build``, the valid records are built as agreements; without, their record dicts are
    kept (cheaper, for ``diff``, which builds only the records that differ). A ``memo`` shared
    by the inputs of one command (``diff``'s two versions of a list) lets a record checked in
    an earlier input answer for one the same here; the records are then kept packed
    (:class:`~sistercity.validation.PackedRecord`), one object for a record in both. Raises
    :class:`UsageError` (exit status 2) for a file that cannot be read.
    """
    run = Validation(today=today, collection=True, build=build, memo=memo)
    kept: list[tuple[int, Agreement]] = []
    raw: list[tuple[int, Mapping[str, Any]]] = []
    try:
        for item in open_input(path, input_format, locator, max_record_bytes=max_record_bytes):
            outcome = run.check(item)
            for issue in outcome.issues:
                write(sys.stderr, locator.text(issue) + "\n")
            if outcome.invalid:
                continue
            if outcome.agreement is not None:
                kept.append((outcome.seq, outcome.agreement))
            elif not build:
                packed = outcome.kept  # with a memo, the record packed (a tenth of the memory)
                raw.append((outcome.seq, outcome.item.raw if packed is None else packed))
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None
    for issue in run.finish():
        write(sys.stderr, locator.text(issue) + "\n")
    summary = run.summary
    if summary["invalid"]:
        print(
            f"sistercity {command}: {path}: {summary['invalid']} of {summary['records']} "
            "records are not valid and take no part",
            file=sys.stderr,
        )
    invalid = run.invalid_seqs
    return Checked(
        [agreement for seq, agreement in kept if seq not in invalid],
        [record for seq, record in raw if seq not in invalid],
        summary["records"],
        summary["invalid"],
        summary["errors"],
    )
