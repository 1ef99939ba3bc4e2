"""The SVG timeline: it parses, it has one bar per agreement of the place, and dates are honest."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sistercity as sc
from sistercity import cli
from sistercity.timeline import NoSuchPlace, render

NS = {"svg": "http://www.w3.org/2000/svg"}
TODAY = "2024-06-30"

MANCHESTER = sc.City("Manchester", "GB", wikidata="Q18125")
# Built from a record: City(former_names=...) trips mypy (the core's converter=tuple is untyped).
SPB = sc.from_dict(
    {
        "id": "x",
        "kind": "twinning",
        "parties": [
            {"name": "A", "country": "FR"},
            {
                "name": "Saint Petersburg",
                "country": "RU",
                "wikidata": "Q656",
                "former_names": [
                    {
                        "name": "Leningrad",
                        "country": "SU",
                        "from": "1924-01-26",
                        "until": "1991-09-06",
                    }
                ],
            },
        ],
    }
).parties[1]


def manchester_spb() -> sc.Agreement:
    return sc.Agreement(
        id="manchester-saint-petersburg-1962",
        kind="friendship",
        parties=[MANCHESTER, SPB],
        events=[
            sc.Event("signed", "1962"),
            sc.Event("renewed", "2007-05"),
            sc.Event("suspended", "2022-02-26", by="Manchester", reason="invasion"),
        ],
    )


def chemnitz() -> sc.Agreement:
    return sc.Agreement(
        id="manchester-chemnitz-1983",
        kind="twinning",
        parties=[MANCHESTER, sc.City("Chemnitz", "DE", wikidata="Q2795")],
        events=[sc.Event("signed", "1983")],
    )


def glasgow_rostov() -> sc.Agreement:
    return sc.Agreement(
        id="glasgow-rostov-on-don-1986",
        kind="twinning",
        parties=[sc.City("Glasgow", "GB", wikidata="Q4093"), sc.City("Rostov-on-Don", "RU")],
        events=[sc.Event("signed", "1986"), sc.Event("suspended", "2022-03-02", reason="war")],
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def tick_x(root: ET.Element) -> dict[int, float]:
    """The x of each year tick on the axis, read from the tick labels."""
    return {int(t.text or ""): float(t.get("x", "nan")) for t in with_class(root, "tick")}


def x_of(root: ET.Element, day: dt.date) -> float:
    """Where ``day`` should be, interpolated between two year ticks by counting days."""
    ticks = sorted(tick_x(root).items())
    (y0, x0), (y1, x1) = ticks[0], ticks[-1]
    start, end = dt.date(y0, 1, 1), dt.date(y1, 1, 1)
    return x0 + (day - start).days / (end - start).days * (x1 - x0)


def test_parses_as_svg_with_a_title_and_a_description() -> None:
    root = parse(render([manchester_spb()], today=TODAY))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text
    assert desc is not None and "Saint Petersburg" in (desc.text or "")
    assert "suspended" in (desc.text or "")


def test_one_bar_per_agreement_of_the_place() -> None:
    records = [manchester_spb(), glasgow_rostov(), chemnitz()]
    bars = with_class(parse(render(records, place="Q18125", today=TODAY)), "bar")
    assert sorted(str(b.get("data-id")) for b in bars) == [
        "manchester-chemnitz-1983",
        "manchester-saint-petersburg-1962",
    ]
    assert len(with_class(parse(render(records, today=TODAY)), "bar")) == 3


def test_a_place_by_name_by_label_by_qid_and_by_city() -> None:
    """--place takes the references every other place argument takes (one resolver)."""
    records = [manchester_spb(), glasgow_rostov(), chemnitz()]
    for place in ("Saint Petersburg", "Saint Petersburg (RU)", "Q656", SPB):
        bars = with_class(parse(render(records, place=place, today=TODAY)), "bar")
        assert [b.get("data-id") for b in bars] == ["manchester-saint-petersburg-1962"]


def test_a_former_name_is_not_a_reference_but_the_message_points_to_the_place() -> None:
    with pytest.raises(NoSuchPlace, match=r"'Leningrad' is a former name of Saint Petersburg"):
        render([manchester_spb()], place="Leningrad", today=TODAY)


def test_a_name_that_fits_two_places_is_refused() -> None:
    toledo = [
        sc.Agreement(
            id=f"toledo-{cc}",
            kind="twinning",
            parties=[sc.City("Toledo", cc), sc.City("Nara", "JP")],
            events=[sc.Event("signed", "1972")],
        )
        for cc in ("US", "ES")
    ]
    with pytest.raises(NoSuchPlace, match="2 different places"):
        render(toledo, place="Toledo", today=TODAY)
    assert len(with_class(parse(render(toledo, place="Toledo (ES)", today=TODAY)), "bar")) == 1


def test_a_place_in_no_agreement_is_refused() -> None:
    with pytest.raises(NoSuchPlace):
        render([manchester_spb()], place="Q42", today=TODAY)
    with pytest.raises(NoSuchPlace):
        render([manchester_spb()], place="Atlantis", today=TODAY)


def test_a_year_precision_event_spans_its_year() -> None:
    root = parse(render([manchester_spb()], today=TODAY))
    signed = next(g for g in with_class(root, "event") if g.get("data-type") == "signed")
    (band,) = with_class(signed, "band")
    left = float(band.get("x", "nan"))
    right = left + float(band.get("width", "nan"))
    assert left == pytest.approx(x_of(root, dt.date(1962, 1, 1)), abs=0.02)
    assert right == pytest.approx(x_of(root, dt.date(1963, 1, 1)), abs=0.02)


def test_a_month_is_a_narrower_band_and_a_day_is_a_tick() -> None:
    root = parse(render([manchester_spb()], today=TODAY))
    events = {g.get("data-type"): g for g in with_class(root, "event")}
    (month,) = with_class(events["renewed"], "band")
    left = float(month.get("x", "nan"))
    assert left == pytest.approx(x_of(root, dt.date(2007, 5, 1)), abs=0.02)
    assert left + float(month.get("width", "nan")) == pytest.approx(
        x_of(root, dt.date(2007, 6, 1)), abs=0.02
    )
    assert with_class(events["suspended"], "band") == []
    (tick,) = events["suspended"].iter("{http://www.w3.org/2000/svg}line")
    assert float(tick.get("x1", "nan")) == pytest.approx(x_of(root, dt.date(2022, 2, 26)), abs=0.02)


def test_bars_are_coloured_by_status() -> None:
    root = parse(render([manchester_spb()], today=TODAY))
    segments = with_class(root, "segment")
    kinds = [(s.get("class") or "").split()[1] for s in segments]
    assert kinds == ["active", "active", "suspended"]
    suspended = segments[-1]
    # suspended from the day after the 26th (the event's day is the tick) until today
    assert float(suspended.get("x", "nan")) == pytest.approx(
        x_of(root, dt.date(2022, 2, 27)), abs=0.02
    )
    end = float(suspended.get("x", "nan")) + float(suspended.get("width", "nan"))
    assert end == pytest.approx(x_of(root, dt.date(2024, 6, 30)), abs=0.02)
    assert suspended.get("fill") != segments[0].get("fill")


def test_an_ended_agreement_shows_the_ended_status() -> None:
    ended = sc.Agreement(
        id="a-b",
        kind="cooperation",
        parties=[sc.City("Aachen", "DE"), sc.City("Halifax", "GB")],
        events=[sc.Event("signed", "1995-03-01"), sc.Event("expired", "2005")],
    )
    root = parse(render([ended], today=TODAY))
    kinds = [(s.get("class") or "").split()[1] for s in with_class(root, "segment")]
    assert kinds == ["active", "ended"]
    (bar,) = with_class(root, "bar")
    assert bar.get("data-status") == "ended"


def test_an_undated_event_is_a_question_mark_over_where_it_can_lie() -> None:
    undated = sc.Agreement(
        id="m-f",
        kind="unspecified",
        parties=[MANCHESTER, sc.City("Faisalabad", "PK", wikidata="Q173985")],
        events=[sc.Event("signed"), sc.Event("suspended", "2020-05", reason="test")],
    )
    root = parse(render([undated, chemnitz()], place=MANCHESTER, today=TODAY))
    signed = next(
        g
        for g in with_class(root, "event")
        if g.get("data-type") == "signed" and with_class(g, "undated")
    )
    (mark,) = with_class(signed, "undated")
    assert mark.text == "?"
    (band,) = with_class(signed, "band")
    # nothing bounds it from below (the axis start); it is before the next dated event
    first_year = min(tick_x(root))
    assert float(band.get("x", "nan")) == pytest.approx(tick_x(root)[first_year], abs=0.02)
    right = float(band.get("x", "nan")) + float(band.get("width", "nan"))
    assert right == pytest.approx(x_of(root, dt.date(2020, 5, 1)), abs=0.02)


@given(year=st.integers(1700, 2100), month=st.integers(1, 12))
def test_any_year_band_spans_exactly_its_year(year: int, month: int) -> None:
    """A year-precision event spans its year, wherever it is on the axis."""
    link = sc.Agreement(
        id="a-b",
        kind="twinning",
        parties=[sc.City("A", "FR"), sc.City("B", "DE")],
        events=[sc.Event("signed", f"{year:04d}"), sc.Event("renewed", f"{year + 1}-{month:02d}")],
    )
    root = parse(render([link], today="2100-12-31"))
    signed = next(g for g in with_class(root, "event") if g.get("data-type") == "signed")
    (band,) = with_class(signed, "band")
    left = float(band.get("x", "nan"))
    assert left == pytest.approx(x_of(root, dt.date(year, 1, 1)), abs=0.02)
    assert left + float(band.get("width", "nan")) == pytest.approx(
        x_of(root, dt.date(year + 1, 1, 1)), abs=0.02
    )


def test_no_agreements_still_gives_a_picture() -> None:
    root = parse(render([], today=TODAY))
    assert with_class(root, "bar") == []


# --------------------------------------------------------------------------------------------
# the command line


def run(argv: list[str]) -> int:
    return cli.main(["timeline", *argv])


def write_records(path: Path, records: list[object]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_cli_writes_the_svg(tmp_path: Path) -> None:
    source = tmp_path / "links.jsonl"
    write_records(source, [sc.to_dict(manchester_spb()), sc.to_dict(glasgow_rostov())])
    out = tmp_path / "m.svg"
    assert run([str(source), "--place", "Manchester", "--today", TODAY, "-o", str(out)]) == 0
    assert len(with_class(parse(out.read_text(encoding="utf-8")), "bar")) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_leaves_out_invalid_records_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "links.jsonl"
    broken = sc.to_dict(chemnitz()) | {"kind": "twin town"}
    write_records(source, [sc.to_dict(manchester_spb()), broken])
    out = tmp_path / "m.svg"
    assert run([str(source), "--place", "Q18125", "--today", TODAY, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{source}:2: error[invalid-kind]" in err
    assert len(with_class(parse(out.read_text(encoding="utf-8")), "bar")) == 1


def test_cli_missing_file_and_unknown_place_are_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "x.svg")]) == 2
    assert "nope.jsonl" in capsys.readouterr().err
    source = tmp_path / "links.jsonl"
    write_records(source, [sc.to_dict(manchester_spb())])
    assert run([str(source), "--place", "Atlantis", "-o", str(tmp_path / "x.svg")]) == 2
    assert "Atlantis" in capsys.readouterr().err
    assert not (tmp_path / "x.svg").exists()
    assert run([str(tmp_path), "-o", str(tmp_path / "x.svg")]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert run([str(source), "-o", str(tmp_path / "no" / "x.svg")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_since_cuts_the_axis_and_keeps_the_status() -> None:
    root = parse(render([manchester_spb(), glasgow_rostov()], today=TODAY, since="2020"))
    ticks = tick_x(root)
    assert min(ticks) == 2020
    # the signing of 1962 is off the axis; the bar is active from the left edge
    events = [g.get("data-type") for g in with_class(root, "event")]
    assert "signed" not in events
    first = with_class(root, "segment")[0]
    assert float(first.get("x", "nan")) == pytest.approx(ticks[2020], abs=0.02)
    assert (first.get("class") or "").split()[1] == "active"
    manchester = next(
        b for b in with_class(root, "bar") if b.get("data-id") == "manchester-saint-petersburg-1962"
    )
    suspended = next(
        g for g in with_class(manchester, "event") if g.get("data-type") == "suspended"
    )
    (tick,) = suspended.iter("{http://www.w3.org/2000/svg}line")
    assert float(tick.get("x1", "nan")) == pytest.approx(x_of(root, dt.date(2022, 2, 26)), abs=0.02)


def test_a_title_replaces_the_heading() -> None:
    root = parse(render([manchester_spb()], today=TODAY, title="The 2022 suspensions"))
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "The 2022 suspensions"


def test_many_undated_events_lie_between_their_dated_neighbours() -> None:
    """The stretch of an undated event ends at the next dated event, however far it is."""
    events = [sc.Event("signed", "1962")]
    events += [sc.Event("renewed") for _ in range(50)]
    events += [sc.Event("suspended", "2022-02-26", reason="invasion"), sc.Event("reinstated")]
    link = sc.Agreement("x", "twinning", [sc.City("A", "FR"), sc.City("B", "DE")], events)
    from sistercity.timeline import bar_spans

    spans = bar_spans(link, dt.date(2024, 1, 1))
    suspended = dt.date(2022, 2, 26)
    assert all(span.end == suspended for span in spans[1:51])
    assert spans[1].start == dt.date(1963, 1, 1)
    assert spans[-1].end == dt.date(2024, 1, 1)  # nothing dated follows: up to today


def test_a_bad_sistercity_today_is_one_line_and_status_2_as_in_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One --today parser: timeline printed a traceback where validate said one line."""
    source = tmp_path / "links.jsonl"
    write_records(source, [sc.to_dict(manchester_spb())])
    monkeypatch.setenv("SISTERCITY_TODAY", "26 Feb 2022")
    for command in ("timeline", "validate"):
        assert cli.main([command, str(source)]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1
        assert err[0].startswith(f"sistercity {command}: error: SISTERCITY_TODAY: ")


def test_a_bad_json_element_is_located_as_validate_locates_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One formatter: a bad element of b.json is b.json[1] in timeline as in validate."""
    source = tmp_path / "b.json"
    good = sc.to_dict(manchester_spb())
    source.write_text(json.dumps([good, {**good, "id": "y", "kind": "twin town"}], indent=2))
    assert run([str(source), "-o", str(tmp_path / "x.svg")]) == 1
    timeline_err = capsys.readouterr().err.splitlines()[0]
    assert cli.main(["validate", "--select", "invalid-kind", str(source)]) == 1
    validate_out = capsys.readouterr().out.splitlines()[0]
    assert timeline_err == validate_out
    assert timeline_err.startswith(f"{source}[1]: error[invalid-kind] $.kind: ")


def test_decided_before_it_took_effect_is_a_lead_in_to_the_mark() -> None:
    """Oxford's leader decided and announced the end of the Perm link on 4 March 2022; it took
    effect on the 7th. The lead-in runs from the 4th to the mark; a same-day decision has none."""
    oxford = sc.Agreement(
        id="oxford-perm",
        kind="twinning",
        parties=[sc.City("Oxford", "GB"), sc.City("Perm", "RU")],
        events=[
            sc.Event("signed", "1995", decided="1995"),
            sc.Event(
                "suspended",
                "2022-03-07",
                by="Oxford",
                body="council leader <&>",
                decided="2022-03-04",
                announced="2022-03-04",
            ),
        ],
    )
    root = parse(render([oxford], today=TODAY))
    (lead,) = with_class(root, "lead-in")
    assert lead.get("data-decided") == "2022-03-04"
    assert float(lead.get("x1", "nan")) == pytest.approx(x_of(root, dt.date(2022, 3, 4)), abs=0.02)
    assert float(lead.get("x2", "nan")) == pytest.approx(x_of(root, dt.date(2022, 3, 7)), abs=0.02)
    events = {g.get("data-type"): g for g in with_class(root, "event")}
    assert lead in list(events["suspended"].iter())
    title = events["suspended"].find("svg:title", NS)
    assert title is not None and "(council leader <&>), decided 2022-03-04" in (title.text or "")
