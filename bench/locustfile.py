"""The load test's users, run by bench/load.py (locust headless): practitioners, managers,
IG leads and an auditor, each signed in as an account of its own through the real sign-in
pages (password, then a code computed here from the account's authenticator key with
django-otp's TOTP), and one anonymous user timing the bare /health/ view as the baseline.
Each picks pages by its role's weights (bench/load_mix.py); practitioners and managers
sometimes start a draft decision about someone, read its pages and discard it.

The plan (accounts, keys, search words) comes from the file named by SAFESHARE_LOAD_PLAN;
raw timings go to SAFESHARE_LOAD_SAMPLES as JSON when the run stops. The measured window
starts once every signed-in user has signed in and read its discovery pages, so the sign-in
burst is not in the pages' figures (it has rows of its own). Nothing personal is logged:
statistics are named by URL pattern, and search words travel only in POST bodies.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, NoReturn

from django_otp.oath import TOTP
from locust import HttpUser, between, constant_pacing, events, task
from locust.clients import LocustHttpAdapter
from locust.env import Environment
from locust.exception import StopUser
from urllib3.util.retry import Retry

from load_mix import (
    BASELINE_NAME,
    BASELINE_ROUTE,
    DISCOVERY,
    DISCOVERY_CASE_EXTRA,
    DRAFT_PAGES,
    DRAFT_WEIGHTS,
    Page,
    pages_for,
)

PLAN: dict[str, Any] = json.loads(Path(os.environ["SAFESHARE_LOAD_PLAN"]).read_text("utf-8"))
SAMPLES = Path(os.environ["SAFESHARE_LOAD_SAMPLES"])
MEASURE_SECONDS = float(os.environ["SAFESHARE_LOAD_SECONDS"])
SIGN_IN = "/sign-in/"
CODE = "/sign-in/code/"
SIGNED_OUT = (SIGN_IN, CODE, "/account/authenticator/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LINK = re.compile(r'href="(/[^"?#]*)')
POOL_SIZE = 200
# Requests of a user's start (signing in, reading its discovery pages): never in the window.
SETUP = ("sign-in ", "discover ")
# gunicorn closes a keep-alive connection after 2 idle seconds, and think times are 1-3 s:
# a request sent on a connection the server has just closed gets no response at all. A
# browser sends it again on a new connection, and so do these users, once; a request that
# reached the server is never repeated (no retry on a status or a timeout: none is set).
RECONNECT = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None)


class Recorder:
    """Every request's time, by name; pages only inside the measured window."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.expected = sum(len(a) for a in PLAN["accounts"].values())
        self.ready = 0
        self.missing = 0
        self.started: float | None = None
        self.stopped: float | None = None
        self.times: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, int] = defaultdict(int)
        self.sign_in_times: dict[str, list[float]] = defaultdict(list)
        self.sign_in_failures: dict[str, int] = defaultdict(int)
        self.reasons: dict[str, int] = defaultdict(int)

    def user_ready(self) -> None:
        with self.lock:
            self.ready += 1
            if self.ready >= self.expected and self.started is None:
                self.start()

    def start(self) -> None:
        """Open the measured window (with the lock held); it closes itself, then the run
        stops: locust's own --run-time is only a bound (bench/load.py)."""
        self.started = time.monotonic()
        self.times.clear()
        self.failures.clear()
        # locust has made threads greenlets (gevent's monkey patching): this one only waits.
        threading.Timer(MEASURE_SECONDS, self.finish).start()

    def finish(self) -> None:
        with self.lock:
            self.stopped = self.stopped or time.monotonic()
        if ENVIRONMENT and ENVIRONMENT[0].runner is not None:
            ENVIRONMENT[0].runner.quit()

    def gave_up(self) -> None:
        """A user that could not sign in: the window opens without it."""
        with self.lock:
            self.expected -= 1
            self.missing += 1
            if self.ready >= self.expected and self.started is None:
                self.start()

    def record(self, name: str, ms: float, failed: str | None) -> None:
        if name.startswith(SETUP):
            self.sign_in_times[name].append(ms)
            if failed:
                self.sign_in_failures[name] += 1
                self.reasons[f"{name}: {failed}"] += 1
            return
        if self.started is None or self.stopped is not None:
            return
        self.times[name].append(ms)
        if failed:
            self.failures[name] += 1
            self.reasons[f"{name}: {failed}"] += 1

    def dump(self) -> None:
        self.stopped = self.stopped or time.monotonic()
        SAMPLES.write_text(
            json.dumps(
                {
                    "seconds": (self.stopped - self.started) if self.started else 0.0,
                    "all_signed_in": self.missing == 0 and self.ready >= self.expected,
                    "ready": self.ready,
                    "expected": self.expected + self.missing,
                    "times": self.times,
                    "failures": self.failures,
                    "sign_in_times": self.sign_in_times,
                    "sign_in_failures": self.sign_in_failures,
                    "reasons": self.reasons,
                }
            ),
            encoding="utf-8",
        )


RECORDER = Recorder()
ENVIRONMENT: list[Environment] = []


@events.init.add_listener
def _on_init(environment: Environment, **kwargs: Any) -> None:
    ENVIRONMENT.append(environment)


@events.request.add_listener
def _on_request(
    name: str, response_time: float, exception: BaseException | None, **kwargs: Any
) -> None:
    RECORDER.record(name, response_time, None if exception is None else _reason(exception))


def _reason(exception: BaseException) -> str:
    # Only our own messages and status codes: never a response body or a URL with an id.
    text = str(exception)
    return text if len(text) < 80 else type(exception).__name__


@events.spawning_complete.add_listener
def _on_spawned(user_count: int, **kwargs: Any) -> None:
    # If a user hangs while signing in, measure anyway from 180 s after the last one started
    # (bench/load.py bounds the run at that plus --run-time).
    def late_start() -> None:
        with RECORDER.lock:
            if RECORDER.started is None:
                RECORDER.start()

    threading.Timer(180, late_start).start()


@events.test_stopping.add_listener
def _on_stopping(environment: Environment, **kwargs: Any) -> None:
    # Before locust stops its users: requests cut off by the stop are not the server's.
    RECORDER.stopped = RECORDER.stopped or time.monotonic()


@events.test_stop.add_listener
def _on_stop(environment: Environment, **kwargs: Any) -> None:
    RECORDER.dump()


# Accounts are handed out once each, in plan order, per role.
_ACCOUNTS: dict[str, Iterator[dict[str, Any]]] = {
    role: iter(accounts) for role, accounts in PLAN["accounts"].items()
}
# The last time step each account's code was used in (django-otp accepts a step once).
_LAST_STEP: dict[str, int] = {}


def _code(account: dict[str, Any]) -> str:
    totp = TOTP(bytes.fromhex(account["totp_key"]), step=30, t0=0, digits=6, drift=0)
    step = int(time.time()) // 30
    while step <= _LAST_STEP.get(account["username"], -1):
        time.sleep(30 - time.time() % 30 + 0.05)  # a greenlet's sleep, under locust
        step = int(time.time()) // 30
    _LAST_STEP[account["username"]] = step
    totp.time = step * 30 + 1
    return f"{totp.token():06d}"


class SignedInUser(HttpUser):
    abstract = True
    role: ClassVar[str] = ""
    wait_time = between(
        float(os.environ.get("SAFESHARE_LOAD_WAIT_MIN", "1")),
        float(os.environ.get("SAFESHARE_LOAD_WAIT_MAX", "3")),
    )

    def on_start(self) -> None:
        self.counted = False  # towards the users the measured window waits for
        try:
            self.account = next(_ACCOUNTS[self.role])
        except StopIteration:
            self._give_up()  # more users than accounts: bench/load.py sizes both
        self.pages = pages_for(self.role)
        self.weights = [page.weights[self.role] for page in self.pages]
        self.draft_weight = DRAFT_WEIGHTS.get(self.role, 0)
        self.pools: dict[str, list[str]] = {page.label: [] for page in self.pages if page.params}
        self.csrf = ""
        self.client.mount("http://", LocustHttpAdapter(pool_manager=None, max_retries=RECONNECT))
        self.sign_in()
        for path in DISCOVERY[self.role] + (DISCOVERY_CASE_EXTRA if self.role != "auditor" else ()):
            self.get(path, f"discover {path}")
        if self.role != "auditor":
            self.search("discover POST /people/")
        self.counted = True
        RECORDER.user_ready()

    # --- signing in -------------------------------------------------------------------

    def _form(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as r:
            token = CSRF.search(r.text)
            if r.status_code != 200 or not token:
                r.failure(f"{r.status_code}, no form")
                self._give_up()
            return token.group(1)

    def _give_up(self) -> NoReturn:
        if not self.counted:
            self.counted = True
            RECORDER.gave_up()
        raise StopUser

    def _step(self, path: str, name: str, data: dict[str, str], refused: str) -> None:
        """One form of the sign-in, posted: a refusal shows the form again (200); the code
        must not send the user back to a sign-in page either."""
        form = {"csrfmiddlewaretoken": self._form(path, f"sign-in GET {path}"), **data}
        with self.client.post(
            path, data=form, name=name, catch_response=True, allow_redirects=False
        ) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or (path == CODE and location.startswith(SIGNED_OUT)):
                r.failure(f"{refused} ({r.status_code})")
                self._give_up()

    def sign_in(self) -> None:
        """Password, then the code; a refusal stops this user rather than try again into a
        django-axes lockout."""
        self.client.cookies.clear()
        account = self.account
        credentials = {"username": account["username"], "password": account["password"]}
        self._step(SIGN_IN, "sign-in POST /sign-in/ (password)", credentials, "password refused")
        code = {"code": _code(account), "next": "/"}
        self._step(CODE, "sign-in POST /sign-in/code/ (authenticator)", code, "code refused")
        self.signed_in = True

    # --- pages --------------------------------------------------------------------------

    def _check(self, r: Any) -> None:
        """2xx and 3xx are answers, unless the 3xx sends the user to sign in again."""
        location = r.headers.get("Location", "")
        if 300 <= r.status_code < 400 and location.startswith(SIGNED_OUT):
            r.failure("sent to sign in again")
            self.signed_in = False
        elif r.status_code == 0:
            r.failure(f"no response ({type(r.error).__name__})")
        elif not 200 <= r.status_code < 400:
            r.failure(f"status {r.status_code}")
        else:
            r.success()
            if "text/html" in r.headers.get("Content-Type", ""):
                self._discover(r.text)

    def _discover(self, html: str) -> None:
        """Keep the links to pages with parameters, and a form token (every signed-in page
        has one, in its sign-out button) for the search."""
        token = CSRF.search(html)
        if token:
            self.csrf = token.group(1)
        for path in set(LINK.findall(html)):
            for page in self.pages:
                if page.params and page.pattern.match(path):
                    pool = self.pools[page.label]
                    if path in pool:
                        continue
                    if len(pool) < POOL_SIZE:
                        pool.append(path)
                    else:
                        pool[random.randrange(POOL_SIZE)] = path

    def get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as r:
            self._check(r)

    def search(self, name: str = "POST /people/") -> None:
        words = self.account["search_words"] or ["a"]
        data = {"csrfmiddlewaretoken": self.csrf, "q": random.choice(words)}
        with self.client.post(
            "/people/", data=data, name=name, catch_response=True, allow_redirects=False
        ) as r:
            self._check(r)

    def visit(self, page: Page) -> None:
        if page.method == "POST":
            self.search(page.label)
            return
        path = page.route
        if page.params:
            pool = self.pools[page.label]
            if not pool:
                return  # nothing of this kind on this user's pages: a 0 in the CSV
            path = random.choice(pool)
        self.get(path, page.label)

    def draft(self) -> None:
        """Start a draft about someone from this user's pages, read its pages, discard it."""
        start, section, tasks, question, *rest, discard = DRAFT_PAGES
        people = self.pools.get("GET /people/<uuid:person_id>/") or []
        if not people:
            return
        person_id = random.choice(people).split("/")[2]
        data = {"csrfmiddlewaretoken": self.csrf}
        with self.client.post(
            f"/decisions/start/{person_id}/",
            data=data,
            name=start.label,
            catch_response=True,
            allow_redirects=False,
        ) as r:
            self._check(r)
            about = r.headers.get("Location", "")
        if not section.pattern.match(about):
            return
        draft = about.rsplit("/", 2)[0]  # /decisions/<id>
        self.get(about, section.label)
        questions: list[str] = []
        with self.client.get(
            f"{draft}/tasks/", name=tasks.label, catch_response=True, allow_redirects=False
        ) as r:
            self._check(r)
            questions = [p for p in LINK.findall(r.text) if question.pattern.match(p)]
        if questions:
            self.get(questions[0], question.label)
        for page in rest:
            self.get(
                page.route.replace("/<uuid:decision_id>", draft[len("/decisions") :]), page.label
            )
        with self.client.post(
            f"{draft}/discard/",
            data=data,
            name=discard.label,
            catch_response=True,
            allow_redirects=False,
        ) as r:
            self._check(r)

    @task
    def one_page(self) -> None:
        if not self.signed_in:
            self.sign_in()
        choices: list[Page | None] = [*self.pages, None]
        chosen = random.choices(choices, weights=[*self.weights, self.draft_weight])[0]
        if chosen is None:
            self.draft()
        else:
            self.visit(chosen)


def _user_class(role: str) -> type[SignedInUser]:
    count = len(PLAN["accounts"].get(role, []))
    attributes = {"role": role, "fixed_count": count, "abstract": count == 0}
    return type(f"{role.title().replace('_', '')}User", (SignedInUser,), attributes)


PractitionerUser = _user_class("practitioner")
ManagerUser = _user_class("manager")
IgLeadUser = _user_class("ig_lead")
AuditorUser = _user_class("auditor")


class BaselineUser(HttpUser):
    """Anonymous, without a session: /health/ through the same server, about 4 a second."""

    fixed_count = 1
    wait_time = constant_pacing(0.25)

    @task
    def health(self) -> None:
        with self.client.get(BASELINE_ROUTE, name=BASELINE_NAME, catch_response=True) as r:
            if r.status_code != 200 or r.text != "ok":
                r.failure(f"status {r.status_code}")
