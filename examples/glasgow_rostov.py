"""Glasgow and Rostov-on-Don: a twinning from 1986, suspended on 24 February 2022.

Glasgow's City Administration Committee suspended it by a unanimous emergency motion on the
day Russia invaded Ukraine.

Built with the Python classes rather than from a record, to show the model itself.
Run it: ``python examples/glasgow_rostov.py``.
"""

from __future__ import annotations

import datetime as dt
import json

import sistercity as sc

glasgow = sc.City("Glasgow", "GB", subdivision="GB-GLG", wikidata="Q4093")
rostov = sc.City("Rostov-on-Don", "RU", wikidata="Q908")

link = sc.Agreement(
    id="glasgow-rostov-on-don-1986",
    kind=sc.AgreementKind.TWINNING,
    term="twin city",
    parties=[glasgow, rostov],
    events=[
        sc.Event(sc.EventType.SIGNED, "1986"),
        sc.Event(
            sc.EventType.SUSPENDED,
            "2022-02-24",
            by="Glasgow",
            reason="Russian invasion of Ukraine",
        ),
    ],
    sources=["https://www.glasgow.gov.uk/", "https://www.wikidata.org/wiki/Q4093"],
    notes="Suspended by the City Administration Committee, by a unanimous emergency motion.",
)


def main() -> None:
    print(f"{glasgow.label()} - {rostov.label()}: {link.kind.value} ({link.term})")
    for day in ("1985", "1986", "2021", "2022-02-23", "2022-02-24"):
        print(f"  status on {day}: {link.status_on(day).value}")
    print(f"  status now: {link.status_on(dt.date.today()).value}")
    suspension = link.events[-1]
    print(f"  suspended by {suspension.by} on {suspension.date}: {suspension.reason}")
    start, end = link.period()  # days: the signing is known to the year, so 1986-01-01
    print(
        f"  period (for duplicate checks): from {start} (the earliest day of the signing, "
        f"{link.events[0].date}) to {'open' if end is None else end}"
    )
    print("As a record:")
    print(json.dumps(sc.to_dict(link), indent=2, ensure_ascii=False))
    report = sc.validate(link)
    print(f"Validation: {'valid' if report.ok else 'invalid'}, {len(report.issues)} issues")


if __name__ == "__main__":
    main()
