"""The act as councils report it (SPEC §4 Event): body, decided, announced, condition.

And the rule that ties them to the lifecycle's date: ``decided-after-effective``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sistercity as sc
from sistercity import io as recordio
from sistercity import strategies as scst
from sistercity.io import UnwritableRecord

FORMATS = ("jsonl", "json", "csv")


def oxford_perm(**suspension: Any) -> dict[str, Any]:
    """Oxford and Perm: the leader announced the end on 4 March 2022; it took effect on the 7th."""
    event: dict[str, Any] = {
        "type": "suspended",
        "date": "2022-03-07",
        "by": "Oxford",
        "reason": "Russian invasion of Ukraine",
        "body": "council leader",
        "decided": "2022-03-04",
        "announced": "2022-03-04",
        "condition": "until Russia's breaches of international law cease",
    }
    event.update(suspension)
    return {
        "id": "oxford-perm",
        "kind": "twinning",
        "parties": [{"name": "Oxford", "country": "GB"}, {"name": "Perm", "country": "RU"}],
        "events": [{"type": "signed", "date": "1995"}, {k: v for k, v in event.items() if v}],
        "sources": ["https://www.oxford.gov.uk/"],
    }


def test_the_new_fields_are_read_and_written_in_the_order_of_the_format() -> None:
    record = oxford_perm()
    agreement = sc.from_dict(record)
    event = agreement.events[1]
    assert event.body == "council leader"
    assert event.decided == sc.PartialDate("2022-03-04")
    assert event.announced == sc.PartialDate("2022-03-04")
    assert event.condition == "until Russia's breaches of international law cease"
    written = sc.to_dict(agreement)["events"][1]
    assert list(written) == [
        "type", "date", "by", "reason", "body", "decided", "announced", "condition",
    ]  # fmt: skip
    assert written == record["events"][1]


def test_decided_after_effective_is_an_error_at_decided() -> None:
    """SPEC §4: "An event whose `decided` is definitely after its `date` breaks
    `decided-after-effective` (an error, at `$.events[N].decided`)"."""
    record = oxford_perm(decided="2022-03-08")
    issues = sc.validate(record).issues
    assert [(i.rule, i.severity, i.path) for i in issues] == [
        ("decided-after-effective", sc.Severity.ERROR, "$.events[1].decided")
    ]
    assert "2022-03-08" in issues[0].message and "2022-03-07" in issues[0].message
    with pytest.raises(sc.InvalidAgreement) as caught:
        sc.Agreement(
            "oxford-perm",
            "twinning",
            [sc.City("Oxford", "GB"), sc.City("Perm", "RU")],
            [sc.Event("signed", "1995"), sc.Event("suspended", "2022-03-07", decided="2022-04")],
            sources=["https://www.oxford.gov.uk/"],
        )
    assert [(i.rule, i.path) for i in caught.value.issues] == [
        ("decided-after-effective", "$.events[1].decided")
    ]


@pytest.mark.parametrize(
    ("date", "decided"),
    [
        ("2022-03-07", "2022-03-07"),  # the same day
        ("2022-03-07", "2022-03"),  # possibly after, not definitely
        ("2022-03", "2022-03-30"),  # a day inside the month it took effect
        ("2022", "2021-12-31"),
        (None, "2030"),  # undated: the rule has nothing to compare
    ],
)
def test_decided_on_or_possibly_before_date_is_fine(date: str | None, decided: str) -> None:
    assert sc.validate(oxford_perm(date=date, decided=decided)).ok


def test_an_invalid_date_is_not_compared() -> None:
    """An event with an invalid date is treated as undated by every other rule (SPEC §5)."""
    issues = sc.validate(oxford_perm(date="2022-02-30", decided="2022-03-08")).issues
    assert [(i.rule, i.path) for i in issues] == [("invalid-date", "$.events[1].date")]


@pytest.mark.parametrize(
    ("change", "rule", "path"),
    [
        ({"decided": "4 March 2022"}, "invalid-date", "$.events[1].decided"),
        ({"announced": "2022-02-30"}, "invalid-date", "$.events[1].announced"),
        ({"decided": 2022}, "malformed-record", "$.events[1].decided"),
        ({"body": ["full council"]}, "malformed-record", "$.events[1].body"),
        ({"condition": True}, "malformed-record", "$.events[1].condition"),
        ({"decision": "2022-03-04"}, "unknown-field", "$.events[1].decision"),
    ],
)
def test_field_rules_of_the_new_fields(change: dict[str, Any], rule: str, path: str) -> None:
    issues = sc.validate(oxford_perm(**change)).issues
    assert [(i.rule, i.path) for i in issues] == [(rule, path)]


def test_blank_text_means_absent() -> None:
    record = oxford_perm()
    record["events"][1].update(body="  ", condition="")
    event = sc.from_dict(record).events[1]
    assert event.body is None and event.condition is None
    assert sc.Event("suspended", body=" \t").body is None


def test_the_lifecycle_follows_date_alone() -> None:
    """SPEC §4: "The lifecycle and `status_on` follow `date` alone"."""
    agreement = sc.from_dict(oxford_perm())
    assert agreement.status_on("2022-03-04") is sc.Status.ACTIVE  # decided and announced
    assert agreement.status_on("2022-03-06") is sc.Status.ACTIVE
    assert agreement.status_on("2022-03-07") is sc.Status.SUSPENDED  # took effect


def test_validate_reads_the_new_keys_from_files(tmp_path: Path) -> None:
    """Through the file reader and the record pass the command line uses, not only from_dict."""
    path = tmp_path / "acts.jsonl"
    lines = [oxford_perm(), oxford_perm(decided="2022-03-09")]
    lines[1]["id"] = "oxford-perm-2"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    report = sc.validate_file(path)
    assert [(i.rule, i.path, i.line) for i in report.issues] == [
        ("decided-after-effective", "$.events[1].decided", 2)
    ]


# ---- round trips -------------------------------------------------------------------------

_TEXTS = st.text(st.characters(codec="utf-8"), max_size=12).map(
    lambda text: "x" + text  # never blank: blank means absent
)


@st.composite
def _with_acts(draw: st.DrawFn) -> dict[str, Any]:
    """A valid record whose events all carry body, decided, announced and condition.

    ``decided`` is the event's own date (never after it); texts hold commas, quotes, line
    breaks and formula starts, which CSV must carry through its JSON ``events`` cell.
    """
    record: dict[str, Any] = draw(scst.records())
    for event in record.get("events", ()):
        event["body"] = draw(_TEXTS | st.sampled_from(('"full council", Glasgow', "=1+1")))
        if "date" in event:
            event["decided"] = event["date"]
        event["announced"] = str(draw(scst.partial_dates(1945, 2030)))
        event["condition"] = draw(_TEXTS | st.just("until\r\nfurther notice"))
    # re-sort each event's keys into the canonical order, x- keys last
    return sc.to_dict(sc.from_dict(record))


@settings(max_examples=80, deadline=None)
@given(st.lists(_with_acts(), max_size=3), st.sampled_from(FORMATS))
def test_round_trips_with_the_new_fields_are_lossless(
    records: list[dict[str, Any]], fmt: str
) -> None:
    """SPEC §4: "Reading what was written gives equal objects. Nothing is dropped silently."

    With every event carrying body, decided, announced and condition, in every format.
    """
    agreements = [sc.from_dict(r) for r in records]
    if fmt == "csv" and any(len(a.parties) != 2 for a in agreements):
        with pytest.raises(UnwritableRecord):
            recordio.dumps(agreements, fmt)
        return
    data = recordio.dumps(agreements, fmt)
    back = recordio.loads(data, fmt)
    assert back == agreements
    assert [sc.to_dict(a) for a in back] == records
    assert recordio.dumps(back, fmt) == data
