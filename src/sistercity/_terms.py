"""The table of source terms and the kinds they map to.

Importers use it to map a source's own wording to an :class:`AgreementKind`; validation uses it
to suggest the kind an alias maps to. A term the table does not know maps to nothing: the
caller records ``unspecified`` with an ``unmapped-term`` warning, never a guess.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from ._vocab import AgreementKind

__all__ = ["TERMS", "kind_for_term", "normalise_term"]

_K = AgreementKind

_TABLE: Final[dict[AgreementKind, tuple[str, ...]]] = {
    _K.TWINNING: (
        "twin town",
        "twin towns",
        "twin city",
        "twin cities",
        "twinning",
        "twinned",
        "town twinning",
        "sister city",
        "sister cities",
        "sister county",
        "sister state",
        "sister province",
        "partner city",
        "partner town",
        "Städtepartnerschaft",
        "Partnerschaft",
        "Partnerstadt",
        "Partnergemeinde",
        "jumelage",
        "ville jumelle",
        "gemellaggio",
        "città gemellata",
        "ciudad hermanada",
        "hermanamiento",
        "miasto partnerskie",
        "miasta partnerskie",
        "город-побратим",
        "города-побратимы",
        "побратим",
        "姉妹都市",
        "姊妹城市",
        "姐妹城市",
        "자매도시",
    ),
    _K.FRIENDSHIP: (
        "friendship",
        "friendship city",
        "friendship agreement",
        "friendship link",
        "friendly city",
        "friendship town",
        "Städtefreundschaft",
        "Freundschaft",
        "Freundschaftsstadt",
        "protocole d'amitié",
        "ville amie",
        "友好都市",
        "友好城市",
        "友好交流城市",
        "우호도시",
        "우호협력도시",
    ),
    _K.COOPERATION: (
        "cooperation",
        "cooperation agreement",
        "co-operation agreement",
        "memorandum of understanding",
        "mou",
        "partnership city",
        "project partnership",
        "accordo di collaborazione",
        "Städtekontakt",
        "Kontakt",
        "Zusammenarbeit",
        "Kooperation",
        "accord de coopération",
    ),
    _K.SPONSORSHIP: (
        "Patenschaft",
        "Patenstadt",
        "adoption",
        "sponsorship",
    ),
}


def normalise_term(term: str) -> str:
    """Normalise a term for look-up: NFC, case-folded, white space collapsed, ASCII apostrophe."""
    text = unicodedata.normalize("NFC", term).replace("\u2019", "'")
    return " ".join(text.casefold().split())


#: Every known source term (normalised) and its kind.
TERMS: Final[Mapping[str, AgreementKind]] = MappingProxyType(
    {normalise_term(term): kind for kind, terms in _TABLE.items() for term in terms}
)


def kind_for_term(term: str) -> AgreementKind | None:
    """The kind a source term maps to, or ``None`` when the table does not know it.

    >>> kind_for_term("Städtepartnerschaft")
    <AgreementKind.TWINNING: 'twinning'>
    >>> kind_for_term("friendship agreement")
    <AgreementKind.FRIENDSHIP: 'friendship'>
    >>> kind_for_term("Prussia") is None
    True
    """
    if not isinstance(term, str):
        return None
    value = AgreementKind.__members__.get(term.upper())
    if value is not None and term == value.value:
        return value
    return TERMS.get(normalise_term(term))
