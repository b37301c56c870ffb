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
    assert len(art6) == 7  # (a) to (f) and (ea), in force since 5 February 2026
    assert bases["art6-f-legitimate-interests"].public_authority_unavailable
    ea = bases["art6-ea-recognised-legitimate-interests"]
    assert ea.public_authority_unavailable and ea.without_consent
    assert "Annex 1 paragraph 6" in ea.legal_reference
    assert any("safeguarding a vulnerable individual" in c for c in ea.conditions)
    vital = bases["art9-c-vital-interests"]
    assert vital.requires_incapacity and "physically or legally incapable" in vital.explanation
    assert "qualified duty" in bases["ca1989-s27"].explanation
    assert bases["art6-a-consent"].consent_based and not bases["art6-a-consent"].without_consent
    para18 = bases["dpa-sch1-para18"]
    assert len(para18.conditions) == 4
    assert len(para18.adult_conditions) == 4
    assert any("care and support" in c for c in para18.adult_conditions)
    # DPA 2018 s10(5): a Schedule 1 condition for criminal offence data; Part 2 needs an
    # appropriate policy document (Schedule 1 paragraph 5).
    for pid in ("dpa-sch1-para6", "dpa-sch1-para10", "dpa-sch1-para11", "dpa-sch1-para18"):
        assert bases[pid].criminal_offence_condition and bases[pid].appropriate_policy_document
    assert not any(
        b.criminal_offence_condition for b in bases.values() if b.family != "dpa-2018-sch1"
    )
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
