"""The lawful-basis catalogue as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeshare.guidance import PolicyError, catalogue
from safeshare.guidance.catalogue import CATALOGUE_PATH, parse_catalogue

FAMILIES = {
    "uk-gdpr-art6",
    "uk-gdpr-art9",
    "dpa-2018-sch1",
    "criminal-offence",
    "statutory-gateway",
    "confidentiality",
    "human-rights",
}


def test_every_entry_has_the_fields_the_brief_asks_for() -> None:
    bases = catalogue().bases
    assert {b.family for b in bases.values()} == FAMILIES
    for basis in bases.values():
        assert basis.id and basis.title and basis.explanation
        assert isinstance(basis.without_consent, bool)
        assert basis.citation.section == basis.legal_reference


def test_it_covers_the_reference_table() -> None:
    bases = catalogue().bases
    art6 = [b for b in bases.values() if b.family == "uk-gdpr-art6"]
    assert len(art6) == 6
    assert bases["art6-f-legitimate-interests"].public_authority_unavailable
    assert bases["art6-a-consent"].consent_based and not bases["art6-a-consent"].without_consent
    para18 = bases["dpa-sch1-para18"]
    assert len(para18.conditions) == 4
    assert para18.implies == "art9-g-substantial-public-interest"
    assert "dpa-sch1-para18" in bases["art9-g-substantial-public-interest"].requires_one_of
    assert not bases["ca2004-s16h"].verified  # REFERENCE.md marks it unverified
    assert bases["cda1998-s115"].without_consent


def test_a_broken_catalogue_reports_every_problem(tmp_path: Path) -> None:
    text = CATALOGUE_PATH.read_text()
    text = text.replace("implies: art9-b-employment-social-protection", "implies: art6-a-consent")
    text = text.replace("  accepted:\n", "  accepted_typo:\n")
    with pytest.raises(PolicyError) as info:
        parse_catalogue(text.encode())
    found = [str(p) for p in info.value.problems]
    assert any("implies: 'art6-a-consent' is not a uk-gdpr-art9 entry" in p for p in found)
    assert "messages.accepted: missing" in found
