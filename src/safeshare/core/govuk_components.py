"""GOV.UK Frontend components rendered from one compiled template each, not compiled again
for every use.

govuk-frontend-django 0.22 renders each component (the skip link, the header, every field
and button) by building a new Jinja environment and compiling a small template that
imports the component's macro, on every call: at 1,000,000 decisions that was a fifth of a
page's CPU (docs/performance.md, "Load test"). `install()` replaces that one method with
the same steps against a shared environment, compiling each (template, macro) once per
process. Its output is the library's own: the same macros, the same data cleaning. Jinja
templates are safe to render from many threads at once.

Remove this when the library caches its environment itself.
"""

from __future__ import annotations

import functools
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from jinja2 import (
    ChoiceLoader,
    Environment,
    PackageLoader,
    PrefixLoader,
    Template,
    select_autoescape,
)


@functools.cache
def _environment() -> Environment:
    # The library's own loader and autoescaping; templates ship with the package and never
    # change while the process runs.
    return Environment(
        loader=ChoiceLoader(
            [PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
        ),
        autoescape=select_autoescape(),
        auto_reload=False,
    )


@functools.cache
def _template(source: str) -> Template:
    return _environment().from_string(source)


def _clean(data: Any) -> None:
    """Remove every key whose value is None, at every level (the library's clean_data)."""
    if isinstance(data, list):
        for item in data:
            _clean(item)
    elif isinstance(data, dict):
        for key, value in list(data.items()):
            if value is None:
                del data[key]
            elif isinstance(value, dict | list):
                _clean(value)


def render(
    self: Any,
    template_name: str | None = None,
    context: Any = None,
    renderer: Any = None,
    component_data: dict[str, Any] | None = None,
) -> SafeString:
    template = _template(self.build_jinja_template())
    data = self.__dict__.copy()
    if component_data:
        data.update(component_data)
    _clean(data)
    return mark_safe(template.render(data=data))  # noqa: S308 — the library's own escaping


# The library's own render, kept for the test that compares the two.
original: Any = None


def install() -> None:
    global original
    from govuk_frontend_django.components.base import GovUKComponent

    if GovUKComponent.render is render:
        return
    original = GovUKComponent.render
    GovUKComponent.render = render  # type: ignore[method-assign]
    GovUKComponent.__str__ = render  # type: ignore[method-assign,assignment]
    GovUKComponent.__html__ = render
