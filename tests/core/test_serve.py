"""`safeshare serve` as `make run` starts it: gunicorn, DEBUG off, static files and the
GOV.UK Frontend assets served, demo sign-ins working against a real SQLite file."""

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

from safeshare.core.management.commands.demo import DEMO_PASSWORD

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
            "SAFESHARE_DEMO": "true",
        }
    )
    safeshare = str(BIN / "safeshare")
    subprocess.run([safeshare, "migrate", "--no-input", "-v", "0"], env=env, check=True)
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
