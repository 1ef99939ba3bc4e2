"""Every script in examples/ runs with the current interpreter, exits 0 and prints its story."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Lines that must appear in a script's output (other scripts only need to exit 0).
KEY_LINES = {
    "manchester_st_petersburg.py": [
        "Kind: friendship (source term: 'friendship agreement')",
        "Is it a twinning? no",
        "Partner's name in 1962: Leningrad",
        "  2022-02-26  suspended by Manchester (Russian invasion of Ukraine)",
        "Status in 2021: active",
        "Status in March 2022: suspended",
        "Validation: valid, 0 errors, 0 warnings",
    ],
    "glasgow_rostov.py": [
        "Glasgow (GB) - Rostov-on-Don (RU): twinning (twin city)",
        "  status on 1985: unknown",
        "  status on 1986: active",
        "  status on 2022-02-23: active",
        "  status on 2022-02-24: suspended",
        "  suspended by Glasgow on 2022-02-24: Russian invasion of Ukraine",
        "Validation: valid, 0 issues",
    ],
    "broken_record.py": [
        "Record 'coventry-volgograd': invalid",
        "5 errors, 3 warnings",
        "  error[invalid-country] $.parties[0].country: 'country' must be an ISO 3166-1 alpha-2"
        " code in upper case (got 'UK'; did you mean 'GB'?)",
        "  error[invalid-date] $.events[1].date: 'date': the month must be between 01 and 12"
        " (got '2022-22-03')",
        "  warning[historic-country] $.parties[1].country: 'country' is 'SU', the code of a former"
        " country (USSR, Union of Soviet Socialist Republics); give the place's present country"
        " and keep the old one in 'former_names'",
        "  error[invalid-transition] $.events[2].type: every party has signed already",
        "from_dict refuses it: 5 rules broken",
    ],
}
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_the_examples_of_the_issue_exist() -> None:
    assert set(KEY_LINES) <= {script.name for script in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    for line in KEY_LINES.get(script.name, []):
        assert line in lines
