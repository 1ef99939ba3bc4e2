"""The one validation loop: records in, located issues and counts out.

Every command and function that checks records goes through :class:`Validation`:
``sistercity validate``, ``convert``, ``show``, ``timeline``, ``diff`` and ``stats``,
:func:`validate_file`, :func:`validate_records`, :func:`sistercity.io.load`,
``Registry.validate`` and the importers' final check. Each record gets one pass of the record
rules (``_record``), which also gives the compact summary the collection rules keep; the
collection rules run at the end. Nothing here formats output.

Counting (the ``summary`` of a report, as ``sistercity validate --format json`` prints it):
``records`` counts every record read, readable or not. A record is *invalid* when it is
unreadable, breaks a built-in record rule (whatever the selection says: it cannot be
constructed), breaks a selected custom record rule of severity ``error``, or is named by a
selected collection-rule error. ``valid`` is the rest: exactly the records that
``sistercity convert --skip-invalid`` writes with the same options. ``errors`` and
``warnings`` count the selected issues.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import orjson

from ._agreements import Agreement
from ._catalogue import RULES, UNIGNORABLE, RuleSelection, run_custom
from ._collection import CollectionCheck, RecordSummary, summarise
from ._dates import PartialDate, as_day
from ._raw import agreement_to_raw
from ._read import MAX_RECORD_BYTES, Format, Item, read
from ._record import Summary, check_and_summarise, full_check, quick_check
from ._report import Issue, RecordRef, Report, Severity
from ._trusted import new_issue

__all__ = [
    "Outcome",
    "PackedRecord",
    "RecordMemo",
    "Validation",
    "validate_file",
    "validate_items",
    "validate_records",
]

Day = dt.date | str | PartialDate


@attrs.define
class Outcome:
    """What the record rules found in one record.

    ``seq`` is the record's 0-based place in the run (across files); ``issues`` are located and
    filtered by the selection; ``agreement`` is the built agreement when it was asked for and
    the record is constructible; ``invalid`` says whether the record is invalid so far (a
    collection error found at the end may still make it so: see :meth:`Validation.finish`).
    ``kept`` is the record as a :class:`RecordMemo` keeps it (a :class:`PackedRecord` equal to
    ``item.raw``) in a run that has one, else ``None``. Not frozen, like
    :class:`~sistercity.io.Item`: one is made per record.
    """

    seq: int
    item: Item
    issues: list[Issue]
    agreement: Agreement | None
    invalid: bool
    kept: PackedRecord | None = None


def day_of(today: Day | None) -> dt.date:
    """The day ``today`` means: a date, a partial date's last day, or the real date."""
    return dt.date.today() if today is None else as_day(today)


class PackedRecord(Mapping[str, Any]):
    """A record dict kept packed: a few hundred bytes, where the dict takes a few thousand.

    Reads as the record (a read-only mapping equal to it), unpacked when first read beyond its
    ``id``. The packed form (``marshal``'s) writes every value with its exact type and every
    object's keys in order, so two records pack alike only when they are the same value with
    the same key order: what :class:`RecordMemo` needs to know. (Two such records pack alike
    in practice too, as read from one format; one that does not is only checked again.)
    """

    __slots__ = ("_raw", "id", "json", "packed")

    def __init__(self, rid: str, packed: bytes, *, json: bool = False) -> None:
        self.id = rid
        self.packed = packed
        self.json = json  # packed is the JSON text the record was read from, not marshal's
        self._raw: dict[str, Any] | None = None

    @classmethod
    def pack(cls, raw: Mapping[str, Any]) -> PackedRecord | None:
        """``raw`` packed; ``None`` without a string id or with an object marshal does not write.

        (Such as an object of a subclass of ``str``, which the record rules could read as
        anything: a memo checks such a record every time.)
        """
        packed = _pack(raw)
        return None if packed is None else cls(raw["id"], packed)

    def unpacked(self) -> dict[str, Any]:
        """The record dict (unpacked once, then kept)."""
        raw = self._raw
        if raw is None:
            packed = self.packed
            raw = self._raw = orjson.loads(packed) if self.json else marshal.loads(packed)
        return raw

    def __getitem__(self, key: str) -> Any:
        if key == "id":
            return self.id
        return self.unpacked()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.unpacked())

    def __len__(self) -> int:
        return len(self.unpacked())

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if isinstance(other, PackedRecord):
            other = other.unpacked()
        return self.unpacked() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PackedRecord({self.unpacked()!r})"


def _pack(raw: Any) -> bytes | None:
    """The packed form of a record dict with a string id (:class:`PackedRecord`), else ``None``."""
    if type(raw) is not dict or type(raw.get("id")) is not str:
        return None
    try:
        return marshal.dumps(raw)
    except ValueError:  # a value of a type marshal does not write (a subclass of str, say)
        return None


#: The fields of an :class:`Outcome`, in order
_OutcomeFields = tuple[int, Item, list[Issue], Agreement | None, bool, PackedRecord | None]


class RecordMemo:
    """What the record pass found in the records checked so far, for runs over lists that agree.

    ``sistercity diff`` checks two versions of one list, each on its own, and most records are
    the same in both. The record rules depend on the record and the day alone, so a record
    that packs as the one checked first under its id (:class:`PackedRecord`: the same value,
    types and key order alike) gets that record's issues and summary without a second
    pass. Give one memo to the :class:`Validation` runs that should share it (all on its
    day); a run that builds model objects does not use it. The memo keeps each record packed,
    so that a caller can keep that (an :class:`Outcome`'s ``kept``) rather than the record dict.

    >>> memo = RecordMemo(dt.date(2026, 1, 1))
    >>> kept, issues, summary = memo.check({"id": "x", "kind": "twinning"})
    >>> again = memo.check({"id": "x", "kind": "twinning"})
    >>> again[0] is kept, again[1] is issues, kept == {"id": "x", "kind": "twinning"}
    (True, True, True)
    """

    __slots__ = ("_seen", "today")

    def __init__(self, today: dt.date) -> None:
        self.today = today
        # id -> (packed record, issues, summary) of the first record checked with that id
        self._seen: dict[str, tuple[PackedRecord, list[Issue], Summary | None]] = {}

    def check(
        self, raw: Any, text: bytes | None = None
    ) -> tuple[PackedRecord | None, list[Issue], Summary | None]:
        """``check_and_summarise(raw)``'s issues and summary, once for records that pack alike.

        ``text``, when given, is the JSON text ``raw`` was parsed from (an :class:`Item`'s
        ``text``): kept as it is, it stands for the packed form (equal texts parse to one
        value), and nothing is packed. Returns ``(kept, issues, summary)``: ``kept`` is the
        record packed (the one checked first when it packs alike; ``None`` when it cannot be
        packed). The issues are the record pass's, unfiltered and not located: treat them as
        read-only.
        """
        json = text is not None and type(raw) is dict and type(raw.get("id")) is str
        packed = text if json else _pack(raw)
        if packed is None:
            found, _, summary = check_and_summarise(raw, today=self.today)
            return None, found, summary
        rid = raw["id"]
        seen = self._seen.get(rid)
        if seen is not None and seen[0].packed == packed and seen[0].json == json:
            return seen
        found, _, summary = check_and_summarise(raw, today=self.today)
        kept = PackedRecord(rid, packed, json=json)
        if seen is None:
            self._seen[rid] = (kept, found, summary)
        return kept, found, summary


class Validation:
    """One validation run over any number of records, fed one at a time.

    >>> run = Validation(today="2026")
    >>> run.check(Item({"id": "x"}, "-", 1, 0)).invalid
    True
    >>> _ = run.finish()
    >>> run.summary["records"], run.summary["invalid"]
    (1, 1)
    """

    def __init__(
        self,
        *,
        select: Iterable[str] | str | None = None,
        ignore: Iterable[str] | str | None = None,
        today: Day | None = None,
        collection: bool = True,
        build: bool = False,
        selection: RuleSelection | None = None,
        memo: RecordMemo | None = None,
    ) -> None:
        self.selection = RuleSelection.of(select, ignore) if selection is None else selection
        self.today = day_of(today)
        if memo is not None and memo.today != self.today:
            raise ValueError(f"the memo is for {memo.today}, the run for {self.today}")
        self.collection = CollectionCheck(today=self.today) if collection else None
        self.custom_record = self.selection.custom("record")
        self.custom_collection = self.selection.custom("collection") if collection else []
        # model objects are built only for custom rules (they take an Agreement) or when asked
        self._build = build or bool(self.custom_record) or bool(self.custom_collection)
        # records checked before answer from the memo (only in a run that builds nothing)
        self._memo = None if self._build else memo
        self._kept: list[Agreement] = []
        # whether a constructed agreement (which breaks no built-in error rule, and cannot be
        # malformed) can still give a finding the selection wants: a record warning
        self._member_rules = any(
            self.selection.wants(rule.id)
            for rule in RULES.values()
            if rule.scope == "record" and rule.builtin and rule.id not in UNIGNORABLE
        )
        self.records = 0
        self.errors = 0
        self.warnings = 0
        self._invalid: set[int] = set()
        self._finished = False
        self._everything = self.selection.everything
        #: the last record's outcome (its fields), when it says more than its issues
        self._last: _OutcomeFields | None = None

    def _keep(self, issue: Issue) -> bool:
        """Whether the selection wants ``issue``; if so, it is counted."""
        if not self.selection.wants(issue.rule):
            return False
        self._count((issue,))
        return True

    def _count(self, issues: Iterable[Issue]) -> None:
        """Count issues that the selection wants, errors and warnings."""
        for issue in issues:
            if issue.severity is Severity.ERROR:
                self.errors += 1
            else:
                self.warnings += 1

    def check(self, item: Item) -> Outcome:
        """Run the record rules on one item; the collection rules keep its summary."""
        issues = self.issues(item)
        seq = self.records - 1
        last = self._last
        if last is not None and last[0] == seq:
            return Outcome(*last)
        return Outcome(seq, item, issues, None, False)

    def issues(self, item: Item) -> list[Issue]:
        """:meth:`check`'s ``issues`` alone, for a caller that needs nothing else of it.

        The same run (counts, collection rules) as :meth:`check`, without making an
        :class:`Outcome`: ``sistercity validate`` checks so. (Of a record that the quick check
        vouches for, the outcome says no more than its issues: ``seq`` the last, no agreement,
        not invalid, nothing kept; of any other, what it says more is kept for :meth:`check`
        until the next record.)
        """
        seq = self.records
        self.records += 1
        if item.issue is not None:
            self._invalid.add(seq)
            issue = item.locate(item.issue)
            issues = [issue] if self._keep(issue) else []
            self._last = (seq, item, issues, None, True, None)
            return issues
        if not self._build:
            if self._memo is not None:
                return self._recall(seq, item, self._memo)
            # most records: the quick check vouches for them (warnings at most)
            quick = quick_check(item.raw, self.today, item.file, item.line, item.index)
            if quick is not None:
                warnings, quick_summary = quick  # located already, a list of this call's own
                if self.collection is not None:
                    self.collection.add_read(quick_summary, item.file, item.line, item.index, seq)
                if not warnings:
                    return []
                if self._everything:
                    self._count(warnings)
                    return warnings
                return [i for i in warnings if self._keep(i)]
        found, agreement, summary = full_check(
            item.raw,
            self.today,
            item.file,
            item.line,
            item.index,
            build=self._build,
            summarise=self.collection is not None,
        )  # its issues located already, as the quick check's are
        return self._outcome(seq, item, found, agreement, summary, located=True)

    def _recall(self, seq: int, item: Item, memo: RecordMemo) -> list[Issue]:
        """:meth:`issues` of a readable item through the memo (a run that builds nothing)."""
        kept, found, summary = memo.check(item.raw, item.text)
        return self._outcome(seq, item, found, None, summary, kept)

    def _outcome(
        self,
        seq: int,
        item: Item,
        found: list[Issue],
        agreement: Agreement | None,
        summary: Summary | None,
        kept: PackedRecord | None = None,
        *,
        located: bool = False,
    ) -> list[Issue]:
        """The issues of the record pass's findings on a readable item (the custom rules too).

        ``located``: ``found`` is located at the item already (:func:`full_check` was told where
        it was read). What the record's outcome says more is kept for :meth:`check`.
        """
        if found:
            if located and self._everything:
                self._count(found)
                issues = found
            elif located:
                issues = [i for i in found if self._keep(i)]
            else:
                issues = [_located(i, item) for i in found if self._keep(i)]
            broken = any(i.severity is Severity.ERROR for i in found)
        else:  # most records
            issues, broken = [], False
        if agreement is not None:
            for rule in self.custom_record:
                for issue in run_custom(rule, agreement, id=agreement.id):
                    if self._keep(issue):
                        issues.append(item.locate(issue))
                        broken = broken or issue.is_error
            if self.custom_collection and not broken:
                self._kept.append(agreement)
        if summary is not None and self.collection is not None and not broken:
            self.collection.add_read(summary, item.file, item.line, item.index, seq)
        if broken:
            self._invalid.add(seq)
        self._last = (seq, item, issues, agreement, broken, kept)
        return issues

    def check_agreement(self, agreement: Agreement, ref: RecordRef) -> list[Issue]:
        """Run the record rules on a constructed agreement (a ``Registry`` member).

        A constructed agreement breaks no record error rule, so this finds its warnings and
        custom rules' findings, and gives the collection rules its summary, in the same one
        pass over its canonical form that a read record gets.
        """
        seq = self.records
        self.records += 1
        ref = RecordRef(ref.id, ref.index, ref.file, ref.line, seq=seq)
        found: list[Issue] = []
        summary: Summary | None = None
        if self._member_rules:
            found, _, summary = check_and_summarise(
                agreement_to_raw(agreement),
                today=self.today,
                build=False,
                summarise=self.collection is not None,
            )
        elif self.collection is not None:
            # no record rule can find anything the selection wants: skip the record pass
            summary = summarise(agreement, ref, self.today)[1:]
        issues = [i.located(index=ref.index, id=agreement.id) for i in found if self._keep(i)]
        broken = any(i.is_error for i in found)
        for rule in self.custom_record:
            for issue in run_custom(rule, agreement, id=agreement.id):
                if self._keep(issue):
                    issues.append(issue.located(index=ref.index))
                    broken = broken or issue.is_error
        if self.custom_collection and not broken:
            self._kept.append(agreement)
        if summary is not None and self.collection is not None and not broken:
            self.collection.add_summary(RecordSummary(ref, *summary))
        if broken:
            self._invalid.add(seq)
        return issues

    def finish(self) -> list[Issue]:
        """Run the collection rules; return their selected issues (each once)."""
        out: list[Issue] = []
        if self._finished:
            return out
        self._finished = True
        if self.collection is not None:
            for issue in self.collection.issues():
                if self._keep(issue):
                    out.append(issue)
                    if issue.is_error:
                        self._invalid.update(r.seq for r in issue.records if r.seq is not None)
        for rule in self.custom_collection:
            for issue in run_custom(rule, self._kept):
                if self._keep(issue):
                    out.append(issue)
        return out

    def mark_invalid(self, seq: int) -> None:
        """Count record ``seq`` as invalid for a reason outside the rules (an output's limits)."""
        self._invalid.add(seq)

    def is_invalid(self, seq: int) -> bool:
        """Whether record ``seq`` is invalid (complete once :meth:`finish` has run)."""
        return seq in self._invalid

    @property
    def invalid_seqs(self) -> frozenset[int]:
        """The ``seq`` of every invalid record (complete once :meth:`finish` has run)."""
        return frozenset(self._invalid)

    @property
    def summary(self) -> dict[str, int]:
        """``records``, ``valid``, ``invalid``, ``errors``, ``warnings`` (the JSON summary)."""
        invalid = len(self._invalid)
        return {
            "records": self.records,
            "valid": self.records - invalid,
            "invalid": invalid,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def _located(issue: Issue, item: Item) -> Issue:
    """``item.locate(issue)``, without ``attrs.evolve``'s cost: every field is known good."""
    rid = item.id
    return new_issue(
        issue.rule,
        issue.severity,
        issue.message,
        issue.path,
        issue.id if rid is None else rid,
        item.file if item.file is not None else issue.file,
        item.line if item.line is not None else issue.line,
        item.index if item.index is not None else issue.index,
        issue.records,
    )


def validate_items(
    items: Iterable[Item],
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    today: Day | None = None,
    collection: bool = False,
    build: bool = False,
) -> Iterator[Outcome]:
    """Check read items one by one (record rules only; no collection rules unless asked)."""
    run = Validation(select=select, ignore=ignore, today=today, collection=collection, build=build)
    for item in items:
        yield run.check(item)


def _report(run: Validation, items: Iterable[Item]) -> Report:
    issues: list[Issue] = []
    for item in items:
        issues.extend(run.check(item).issues)
    issues.extend(run.finish())
    return Report(issues, summary=run.summary)


def validate_records(
    records: Iterable[Mapping[str, Any]],
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    today: Day | None = None,
    collection: bool = True,
) -> Report:
    """Validate records (mappings, as read from JSON) as ``sistercity validate`` does.

    Never raises for bad data: a value that is not a mapping is a ``malformed-record``. Issues
    carry ``index`` (the 0-based place in ``records``). ``today`` is a date or a partial date
    (its last day; default: the real date). Raises :class:`~sistercity.UnknownRuleError` for an
    unknown rule id in ``select``/``ignore``.

    >>> report = validate_records([{"id": "a"}], today="2026")
    >>> report.ok, report.summary["invalid"]
    (False, 1)
    """
    run = Validation(select=select, ignore=ignore, today=today, collection=collection)
    items = (Item(raw, "-", None, index, Format.JSONL) for index, raw in enumerate(records))
    return _report(run, items)


def validate_file(
    path: str | os.PathLike[str],
    *,
    input_format: Format | str | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    today: Day | None = None,
    collection: bool = True,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Report:
    """Validate a record file (JSON Lines, JSON or CSV; ``-`` is standard input).

    The format comes from ``input_format`` or the file's extension. Issues carry ``file``,
    ``line`` and ``index``. Raises :class:`OSError` for a file that cannot be opened and
    :class:`~sistercity.io.UnknownFormat` for an unknown extension; problems inside the file
    are issues, never exceptions: a record longer than ``max_record_bytes`` (bytes; default
    64 MiB) is one ``malformed-record`` and is skipped without being held in memory.
    """
    run = Validation(select=select, ignore=ignore, today=today, collection=collection)
    return _report(run, read(path, input_format, max_record_bytes=max_record_bytes))
