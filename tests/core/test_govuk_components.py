"""GOV.UK components from compiled templates kept per process (core/govuk_components.py):
the same HTML as govuk-frontend-django's own render, each template compiled once."""

from __future__ import annotations

from govuk_frontend_django.components.base import GovUKComponent
from govuk_frontend_django.components.button import GovUKButton
from govuk_frontend_django.components.error_summary import (
    ErrorSummaryErrorlist,
    GovUKErrorSummary,
)
from govuk_frontend_django.components.skip_link import GovUKSkipLink

from safeshare.core import govuk_components


def components() -> list[GovUKComponent]:
    return [
        GovUKSkipLink(text="Skip to main content", href="#main-content"),
        GovUKButton(text="Save and continue", name="save", value="1", attributes={"id": "b"}),
        GovUKButton(text="<b>escaped</b>", href="/x?a=1&b=2", disabled=None),
        GovUKErrorSummary(
            titleText="There is a problem",
            errorList=[
                ErrorSummaryErrorlist(text="Enter a name", href="#name"),
                ErrorSummaryErrorlist(text="Enter <a date>"),
            ],
        ),
    ]


def test_the_app_renders_through_the_shared_environment() -> None:
    assert GovUKComponent.render is govuk_components.render
    assert govuk_components.original is not None


def test_the_html_is_the_librarys_own() -> None:
    for component in components():
        assert str(component) == govuk_components.original(component), component


def test_each_template_is_compiled_once() -> None:
    govuk_components._template.cache_clear()
    for _ in range(5):
        for component in components():
            str(component)
    info = govuk_components._template.cache_info()
    assert info.misses == 3 and info.hits == 17, info
