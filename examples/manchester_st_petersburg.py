"""Manchester and St Petersburg: a friendship agreement (not a twinning) since 1962.

The link was signed in 1962, when St Petersburg was called Leningrad. Manchester City Council
moved to suspend it on 26 February 2022, two days after Russia invaded Ukraine.
Run it: ``python examples/manchester_st_petersburg.py``.
"""

from __future__ import annotations

import datetime as dt

import sistercity as sc

record = {
    "id": "manchester-saint-petersburg-1962",
    "kind": "friendship",
    "term": "friendship agreement",
    "parties": [
        {"name": "Manchester", "country": "GB", "subdivision": "GB-MAN", "wikidata": "Q18125"},
        {
            "name": "Saint Petersburg",
            "country": "RU",
            "wikidata": "Q656",
            "former_names": [
                {"name": "Leningrad", "country": "SU", "from": "1924-01-26", "until": "1991-09-06"}
            ],
        },
    ],
    "events": [
        {"type": "signed", "date": "1962"},
        {"type": "renewed", "date": "2007?"},
        {
            "type": "suspended",
            "date": "2022-02-26",
            "by": "Manchester",
            "reason": "Russian invasion of Ukraine",
        },
    ],
    "sources": [
        "https://www.manchester.gov.uk/",
        "https://www.wikidata.org/wiki/Q18125",
        "https://www.wikidata.org/wiki/Q656",
    ],
    "notes": "The 2007 renewal is not confirmed by the sources given: marked uncertain.",
}


def main() -> None:
    link = sc.from_dict(record)
    manchester, spb = link.parties
    print(f"Agreement: {link.id}")
    print(f"Parties: {manchester.label()} and {spb.label()}")
    print(f"Kind: {link.kind.value} (source term: {link.term!r})")
    print(f"Is it a twinning? {'yes' if link.kind is sc.AgreementKind.TWINNING else 'no'}")
    print(f"Partner's name in 1962: {spb.name_on('1962')}")
    print(f"Partner's name today: {spb.name_on(dt.date.today())}")
    print("Events:")
    for event in link.events:
        by = f" by {event.by}" if event.by else ""
        reason = f" ({event.reason})" if event.reason else ""
        print(f"  {event.date}  {event.type.value}{by}{reason}")
    print(f"Status in 2021: {link.status_on('2021').value}")
    print(f"Status in March 2022: {link.status_on('2022-03').value}")
    print(f"Status now: {link.status_on(dt.date.today()).value}")
    report = sc.validate(link)
    verdict = "valid" if report.ok else "invalid"
    print(f"Validation: {verdict}, {len(report.errors)} errors, {len(report.warnings)} warnings")
    for issue in report.issues:
        print(f"  {issue}")


if __name__ == "__main__":
    main()
