"""`safeshare serve` as `make run` starts it: gunicorn, DEBUG off, static files (collected,
hashed and compressed) and the GOV.UK Frontend assets served, demo sign-ins working
against a real SQLite file."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from safeshare.site.management.commands.demo import DEMO_PASSWORD

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("var")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        {
            "SAFESHARE_VAR_DIR": str(var),
            "SECRET_KEY": "serve-test-" + "k" * 40,
            "SAFESHARE_BIND": f"127.0.0.1:{port}",
            "SAFESHARE_WORKERS": "1",
            "SAFESHARE_THREADS": "2",
            "SAFESHARE_DEMO": "true",
            # As in production (the rest of the suite renders plain names).
            "SAFESHARE_HASHED_STATIC": "true",
        }
    )
    safeshare = str(BIN / "safeshare")
    subprocess.run([safeshare, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run([safeshare, "collectstatic", "--no-input", "-v", "0"], env=env, check=True)
    demo = subprocess.run(
        [safeshare, "demo", "--if-empty"], env=env, check=True, capture_output=True, text=True
    )
    assert "school.teacher" in demo.stdout
    assert (var / "safeshare.sqlite3").exists()
    log = var / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [safeshare, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/sign-in/", timeout=2)  # noqa: S310 — loopback only
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("safeshare serve did not start: " + log.read_text())
    yield base
    process.terminate()
    process.wait(timeout=10)


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — loopback only
        return response.status, response.read()


def _headers(url: str, encoding: str = "") -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — loopback only
        return {k.lower(): v for k, v in response.headers.items()}, response.read()


def _linked_stylesheet(server: str) -> str:
    """The GOV.UK Frontend stylesheet's URL as the sign-in page links it."""
    page = _get(f"{server}/sign-in/")[1].decode()
    found = re.search(r'href="(/static/govuk/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', page)
    assert found, "the page should link the hashed stylesheet"
    return server + found.group(1)


FOREVER = "max-age=315360000, public, immutable"


@pytest.mark.parametrize(("asked", "sent"), [("br", "br"), ("gzip", "gzip"), ("", None)])
def test_hashed_static_files_are_cached_for_good_and_compressed_when_asked(
    server: str, asked: str, sent: str | None
) -> None:
    headers, body = _headers(_linked_stylesheet(server), asked)
    assert headers["cache-control"] == FOREVER
    assert headers.get("content-encoding") == sent
    assert "accept-encoding" in headers["vary"].lower()
    if sent is None:
        assert b".govuk-" in body
    else:
        plain = _headers(_linked_stylesheet(server))[1]
        assert len(body) < len(plain) / 3


def test_a_module_imports_the_hashed_name_of_what_it_imports(server: str) -> None:
    page = _get(f"{server}/sign-in/")[1].decode()
    init = re.search(r'src="(/static/safeshare/init\.[0-9a-f]{12}\.mjs)"', page)
    assert init
    module = _get(server + init.group(1))[1].decode()
    imported = re.search(r'from "(\.\./govuk/govuk-frontend\.min\.[0-9a-f]{12}\.js)"', module)
    assert imported, module
    headers, _ = _headers(server + "/static/govuk/" + imported.group(1).split("/")[-1])
    assert headers["cache-control"] == FOREVER


def test_the_govuk_fonts_at_their_absolute_urls_are_cached_for_good(server: str) -> None:
    font = next((settings.GOVUK_FRONTEND_DIR / "assets" / "fonts").glob("*.woff2")).name
    headers, _ = _headers(f"{server}/assets/fonts/{font}")
    assert headers["cache-control"] == FOREVER


@pytest.mark.parametrize(
    "path", ["/assets/images/govuk-crest.svg", "/static/govuk/govuk-frontend.min.css"]
)
def test_unhashed_names_are_cached_for_an_hour(server: str, path: str) -> None:
    headers, _ = _headers(server + path)
    assert headers["cache-control"] == "max-age=3600, public"


def test_pages_are_never_cached(server: str) -> None:
    headers, _ = _headers(f"{server}/sign-in/")
    assert "no-store" in headers["cache-control"]


def test_the_health_check_answers(server: str) -> None:
    assert _get(f"{server}/health/") == (200, b"ok")


def test_it_serves_the_sign_in_page(server: str) -> None:
    status, body = _get(f"{server}/sign-in/")
    assert status == 200
    assert b"Sign in to safeshare" in body


@pytest.mark.parametrize(
    "path",
    [
        "/static/govuk/govuk-frontend.min.css",
        "/static/govuk/govuk-frontend.min.js",
        "/static/safeshare/init.mjs",
        # The font the GOV.UK CSS asks for at an absolute /assets/ URL (its name carries a hash).
        "/assets/fonts/"
        + next((settings.GOVUK_FRONTEND_DIR / "assets" / "fonts").glob("*.woff2")).name,
    ],
)
def test_it_serves_the_front_end_assets(server: str, path: str) -> None:
    status, body = _get(server + path)
    assert status == 200
    assert body


def test_a_demo_user_signs_in(server: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{server}/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": "school.teacher",
            "password": DEMO_PASSWORD,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 — loopback only
        f"{server}/sign-in/", data=data, headers={"Referer": f"{server}/sign-in/"}
    )
    home = opener.open(request).read().decode()
    assert "Information sharing decisions" in home
    assert "Riverside Primary School" in home
