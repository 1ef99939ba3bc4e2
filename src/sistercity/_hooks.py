"""The checks the model classes run when built in Python, installed by ``_construct``.

The model modules (``_places``, ``_agreements``) hold data and answer questions; they know
nothing of the rules. So that an invalid ``City``, ``Event`` or ``Agreement`` still cannot be
constructed, their ``__attrs_post_init__`` calls the check installed here, and
``sistercity._construct`` (a higher layer, imported by the package) installs the rule pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["check_agreement", "check_city", "check_event", "install"]

_Check = Callable[[Any], None]


def _not_installed(obj: Any) -> None:  # pragma: no cover - the package installs the checks
    raise RuntimeError("sistercity's record checks are not installed; import sistercity")


_checks: dict[str, _Check] = {
    "city": _not_installed,
    "event": _not_installed,
    "agreement": _not_installed,
}


def install(*, city: _Check, event: _Check, agreement: _Check) -> None:
    """Install the checks that construction runs (called once by ``sistercity._construct``)."""
    _checks.update(city=city, event=event, agreement=agreement)


def check_city(obj: Any) -> None:
    """Raise ``InvalidAgreement`` when a ``City`` built in Python breaks a record rule."""
    _checks["city"](obj)


def check_event(obj: Any) -> None:
    """Raise ``InvalidAgreement`` when an ``Event`` built in Python breaks a record rule."""
    _checks["event"](obj)


def check_agreement(obj: Any) -> None:
    """Raise ``InvalidAgreement`` when an ``Agreement`` built in Python breaks a record rule."""
    _checks["agreement"](obj)
