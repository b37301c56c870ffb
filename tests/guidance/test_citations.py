"""Every citation is marked as the citation check of December 2026 found it.

The check (docs kept with the guidance sources, not in this repository) gave each citation in
the two shipped policies and the catalogue one status:

- V: the source text supports it; V*: it does once corrected (the correction is made);
- C: the source contradicted it; both were corrected to what the source says;
- NF: no primary or faithful secondary text was found.

V, V* and corrected C citations are `verified: true` with the https address of the text they
were checked against; NF ones stay `verified: false`. The 2018 policy's citations of the two
briefings (the 7-minute briefing and the Children's MARS summary) were checked against the
briefings themselves, which have no web address.
"""

from __future__ import annotations

import pytest

from safeshare.guidance import Citation, PolicyError, catalogue, load_policy
from safeshare.guidance.catalogue import CATALOGUE_PATH, parse_catalogue

V, VC, C, NF = "V", "V*", "C", "NF"
# The briefings in the seeds: checked, but with no address to link to.
BRIEFING = "briefing"

HMG_2018 = {
    "standing-procedures": NF,
    "seek-advice-any-stage": NF,
    "flow-legitimate-purpose": BRIEFING,
    "flow-identifiable": BRIEFING,
    "flow-identifiable-share": NF,
    "flow-consent": BRIEFING,
    "flow-lawful-reason": BRIEFING,
    "special-category": VC,
    "golden-rule-1": V,
    "golden-rule-2": V,
    "golden-rule-3": V,
    "golden-rule-4": V,
    "golden-rule-5": V,
    "golden-rule-7": V,
    "principle-necessary": BRIEFING,
    "principle-relevant": BRIEFING,
    "principle-adequate": BRIEFING,
    "principle-accurate": BRIEFING,
    "principle-timely": BRIEFING,
    "principle-secure": BRIEFING,
    "principle-recorded": BRIEFING,
    "how-to-share": BRIEFING,
    "tell-individual": BRIEFING,
    "record-keeping": BRIEFING,
    "unsure": BRIEFING,
    "fears-no-barrier": BRIEFING,
}

HMG_2024 = {
    "rule-protect-child": VC,
    "rule-be-open": V,
    # The check's correction: golden rule 3 and the body text's "not the default", cited apart.
    "rule-consent-not-needed": VC,
    "rule-consent-not-default": VC,
    "rule-seek-advice": V,
    "rule-protect-identities": V,
    "rule-relevant-only": VC,
    "rule-record": NF,
    "flow-purpose": NF,
    "flow-identifiable": NF,
    "flow-lawful-basis": VC,
    "ico-10-step": VC,
    "working-together": VC,
    "special-category": VC,
    "principle-necessary": NF,
    "principle-relevant": NF,
    "principle-adequate": NF,
    "principle-accurate": NF,
    "principle-timely": NF,
    "principle-secure": NF,
    "principle-recorded": NF,
}

BASES = {
    "art6-a-consent": V,
    "art6-b-contract": V,
    "art6-c-legal-obligation": V,
    "art6-d-vital-interests": V,
    "art6-e-public-task": V,
    "art6-f-legitimate-interests": VC,
    "art9-a-explicit-consent": V,
    "art9-b-employment-social-protection": V,
    "art9-c-vital-interests": C,
    "art9-g-substantial-public-interest": V,
    "art9-h-health-social-care": V,
    "dpa-sch1-para1": V,
    "dpa-sch1-para2": V,
    "dpa-sch1-para6": V,
    "dpa-sch1-para10": VC,
    "dpa-sch1-para11": VC,
    "dpa-sch1-para18": VC,
    "criminal-offence-data": V,
    "ca1989-s17": V,
    "ca1989-s27": C,
    "ca1989-s47": VC,
    "ca2004-s10": V,
    "ca2004-s11": V,
    "ca2004-s16e": VC,
    "ca2004-s16h": NF,
    "ea2002-s175-s157": VC,
    "cda1998-s115": V,
    "confidentiality-consent": V,
    "confidentiality-required-by-law": V,
    "confidentiality-public-interest": V,
    "hra-art8": V,
    "hra-art2-art3": V,
    # Not in the check: enacted 29 April 2026, commencement not confirmed.
    "cwsa2026-information-sharing-duty": NF,
}

MESSAGES = {
    "accepted": V,
    "accepted_with_condition": V,
    "not_without_consent": V,
    "consent_refused": VC,
    "needs_schedule_1": V,
    "legitimate_interests_public_authority": VC,
    "art6_missing": V,
    "art9_missing": V,
    "valid_without_consent": V,
    "record_art6": V,
    "record_art9": VC,
    "record_conditions": V,
    "record_gateways": V,
    "record_confidentiality": V,
    "no_confidentiality": V,
}


def _check(citation: Citation, status: str) -> None:
    if status == NF:
        assert not citation.verified
    elif status == BRIEFING:
        assert citation.verified
        assert citation.url is None
    else:
        assert citation.verified
        assert citation.url is not None
        assert citation.url.startswith("https://")


def _cases() -> list[tuple[str, str, str]]:
    return [("hmg-2018", i, s) for i, s in HMG_2018.items()] + [
        ("hmg-2024", i, s) for i, s in HMG_2024.items()
    ]


@pytest.mark.parametrize(("policy_id", "citation_id", "status"), _cases())
def test_a_policy_citation_is_marked_as_the_check_found_it(
    policy_id: str, citation_id: str, status: str
) -> None:
    _check(load_policy(policy_id).citations[citation_id], status)


@pytest.mark.parametrize(("basis_id", "status"), BASES.items())
def test_a_catalogue_entry_is_marked_as_the_check_found_it(basis_id: str, status: str) -> None:
    basis = catalogue().bases[basis_id]
    assert basis.verified == basis.citation.verified
    _check(basis.citation, status)


@pytest.mark.parametrize(("code", "status"), MESSAGES.items())
def test_a_catalogue_message_is_marked_as_the_check_found_it(code: str, status: str) -> None:
    _check(
        catalogue().message(code, title="x", titles="x", required="x", conditions="x")[1], status
    )


def test_the_check_covered_every_citation_the_policies_had() -> None:
    # 26 + 20 policy citations (one 2024 citation is now two), 32 entries, 15 messages.
    assert len(HMG_2018) == 26
    assert len(HMG_2024) == 21
    assert len(BASES) == 33
    assert len(MESSAGES) == 15
    assert set(HMG_2018) <= set(load_policy("hmg-2018").citations)
    assert set(HMG_2024) <= set(load_policy("hmg-2024").citations)
    assert set(BASES) <= set(catalogue().bases)
    assert set(MESSAGES) <= set(catalogue().messages)


def test_the_corrections_say_what_the_sources_say() -> None:
    bases = catalogue().bases
    assert "physically or legally incapable" in bases["art9-c-vital-interests"].explanation
    assert "compatible with its own duties" in " ".join(bases["ca1989-s27"].explanation.split())
    assert "care and support" in bases["dpa-sch1-para18"].conditions[1]
    assert "unlawful act" in bases["dpa-sch1-para10"].explanation
    for para in ("dpa-sch1-para6", "dpa-sch1-para10", "dpa-sch1-para11", "dpa-sch1-para18"):
        assert "appropriate policy document" in bases[para].explanation
    duty = bases["cwsa2026-information-sharing-duty"]
    assert duty.family == "statutory-gateway"
    assert not duty.verified
    for policy_id in ("hmg-2018", "hmg-2024"):
        policy = load_policy(policy_id)
        hint = policy.questions["special_category"].hint or ""
        summary = policy.citations["special-category"].quote_or_summary
        for category in (
            "racial or ethnic origin",
            "political opinions",
            "philosophical beliefs",
            "trade union membership",
            "genetic data",
            "biometric data",
            "health",
            "sex life",
            "sexual orientation",
        ):
            assert category in " ".join(hint.split())
            assert category in summary
    policy = load_policy("hmg-2024")
    assert "promoting their welfare" not in policy.citations["rule-protect-child"].quote_or_summary
    assert "2026" in policy.citations["working-together"].source


@pytest.mark.parametrize(
    "url",
    ["http://www.legislation.gov.uk/ukpga/1989/41/section/27", "legislation.gov.uk", "https://"],
)
def test_a_citation_address_must_be_https(url: str) -> None:
    text = CATALOGUE_PATH.read_text().replace(
        "url: https://www.legislation.gov.uk/ukpga/1989/41/section/27", f"url: {url}"
    )
    with pytest.raises(PolicyError) as info:
        parse_catalogue(text.encode())
    assert any("url" in str(p) for p in info.value.problems)
