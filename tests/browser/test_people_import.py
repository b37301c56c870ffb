"""People by CSV in a browser: the administrator's upload, the dry run listing bad rows,
the confirm page and the import, each page checked with axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from safeshare.accounts.models import Organisation
from safeshare.ledger.models import Entry
from safeshare.subjects.models import Person
from tests.browser.conftest import assert_accessible
from tests.browser.helpers import sign_in_here
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = b"given_names,family_name,date_of_birth,kind,nhs_number,upn\r\n"


@pytest.fixture
def school() -> Organisation:
    school = OrganisationFactory.create(name="Riverside Primary School")
    UserFactory.create(organisation=school, username="admin", administrator=True)
    return school


def test_upload_dry_run_and_confirm_are_accessible(
    page: Page, school: Organisation, tmp_path: Path
) -> None:
    page.goto("/")
    sign_in_here(page, "admin")
    page.get_by_role("link", name="Import people from a CSV file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people from a CSV file")
    assert_accessible(page)

    page.get_by_role("button", name="Check file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a CSV file")
    assert_accessible(page)

    bad = tmp_path / "pupils.csv"
    bad.write_bytes(
        HEADER
        + b"Lily,Morgan,2016-05-04,child,9434765918,\r\n"
        + b"=cmd,Morgan,2016-05-04,pupil,,\r\n"
    )
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("3 problems")
    expect(page.locator("#problems")).to_contain_text("check digit does not match")
    expect(page.locator("#problems")).to_contain_text("formula")
    expect(page.locator("#problems")).to_contain_text("Kind must be child or adult")
    assert_accessible(page)
    assert Person.objects.count() == 0

    good = tmp_path / "pupils-fixed.csv"
    good.write_bytes(
        b"\xef\xbb\xbf"
        + HEADER
        + b"Lily,Morgan,04/05/2016,child,9434765919,\r\n"
        + b"Sam,Morgan,2015-03-27,child,,H801200001001\r\n"
    )
    page.get_by_label("Upload a CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the people to import")
    expect(page.locator(".govuk-inset-text")).to_have_text("2 people ready to import")
    assert_accessible(page)
    assert Person.objects.count() == 0  # nothing written before confirming

    page.get_by_role("button", name="Import people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people from a CSV file")
    expect(page.get_by_text("2 people imported")).to_be_visible()
    assert_accessible(page)
    assert Person.objects.filter(organisation=school).count() == 2
    assert Entry.objects.filter(event_type="subjects.person.added").count() == 2
