"""A record with mistakes, and the report that validation gives for it.

Every problem is reported at once, each with its rule id, its JSON path and a message that
says what was expected and what was found. The record cannot be built into an Agreement.
Run it: ``python examples/broken_record.py``.
"""

from __future__ import annotations

import sistercity as sc

broken = {
    "id": "coventry-volgograd",
    "kind": "twin town",  # a source term, not a kind: it belongs in "term"
    "parties": [
        {"name": "Coventry", "country": "UK"},  # the ISO code is GB
        {"name": "Volgograd", "country": "SU"},  # a former country's code: a warning
    ],
    "events": [
        {"type": "signed", "date": "1944?"},
        # day and month swapped (the council voted on 22 March 2022), and "by" names no party
        {"type": "suspended", "date": "2022-22-03", "by": "Coventry City Council"},
        {"type": "signed", "date": "1990"},
    ],
}


def main() -> None:
    report = sc.validate(broken, today="2025")
    print(f"Record {broken['id']!r}: {'valid' if report.ok else 'invalid'}")
    print(f"{len(report.errors)} errors, {len(report.warnings)} warnings")
    for issue in report.issues:
        print(f"  {issue}")
    try:
        sc.from_dict(broken)
    except sc.InvalidAgreement as error:
        print(f"from_dict refuses it: {len(error.issues)} rules broken")
    print("Ignoring the warnings:")
    for issue in sc.validate(broken, ignore="historic-country,missing-reason,missing-source"):
        print(f"  {issue}")


if __name__ == "__main__":
    main()
