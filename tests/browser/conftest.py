"""Playwright for Python driving Debian's Chromium (Playwright's own browser download
cannot work offline), with an axe check helper."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# set up data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make system-deps` (apt-get install chromium)"
        )
    # Playwright gives each launch a fresh, empty profile of its own.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(
    browser: Browser, live_server: Any, immutable_tables_emptied_after: None
) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    # "Failed to load resource" also reports a page that is meant to be a 404; missing assets
    # are caught by the response check below instead.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A request the page itself abandoned by navigating away (ERR_ABORTED) is not a fault.
    page.on(
        "requestfailed",
        lambda request: (
            errors.append(f"failed {request.url}: {request.failure}")
            if "ERR_ABORTED" not in (request.failure or "")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and ("/static/" in response.url or "/assets/" in response.url)
            else None
        ),
    )
    yield page
    context.close()
    assert errors == [], f"browser console errors or missing assets: {errors}"


_axe = Axe()


# What the browser says when axe starts while a click's navigation is still
# replacing the document: run again on the page that arrives.
_NAVIGATING = ("reading 'documentElement'", "Execution context was destroyed")


def assert_accessible(page: Page) -> None:
    """axe-core in the real browser: no violations at all, of any impact.

    A click that submits a form returns before the next page has loaded, so
    axe waits for the page to load and, if the document is swapped while it
    runs, runs again on the new one (never more than three times)."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = _axe.run(page)
            break
        except PlaywrightError as error:
            if attempt == 2 or not any(sign in str(error) for sign in _NAVIGATING):
                raise
    violations: list[dict[str, Any]] = results.response["violations"]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]
    assert violations == [], f"axe violations on {page.url}:\n" + "\n".join(details)
