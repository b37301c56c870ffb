"""A local stand-in for the GOV.UK Notify API: POST /v2/notifications/email and /sms.

It checks the Authorization header as Notify does (a JWT signed HS256 with the API key's
secret, its `iss` the service id: both read from the key, as the client does) and answers
403 otherwise; then 201 with an id, or the next scripted status (`script`), so a test can
make it fail twice then succeed. Never the network: 127.0.0.1 on a free port, in a thread.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "11111111-2222-4333-8444-555555555555"
SECRET = "66666666-7777-4888-9999-000000000000"
API_KEY = f"safeshare_test-{SERVICE_ID}-{SECRET}"

ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
}


@dataclass
class NotifyStub:
    base_url: str = ""
    script: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, path: str, authorization: str, body: dict[str, Any]) -> tuple[int, Any]:
        if path not in {"/v2/notifications/email", "/v2/notifications/sms"}:
            return 404, {"status_code": 404, "errors": [{"error": "NotFound", "message": path}]}
        if not _signed_by_the_key(authorization):
            return 403, _error(403)
        self.received.append({"path": path, "body": body})
        status = self.script.pop(0) if self.script else 201
        if status != 201:
            return status, _error(status)
        return 201, {"id": str(uuid.uuid4()), "reference": body.get("reference"), "content": {}}


def _error(status: int) -> dict[str, Any]:
    name, message = ERRORS.get(status, ("Error", "Error"))
    return {"status_code": status, "errors": [{"error": name, "message": message}]}


def _signed_by_the_key(authorization: str) -> bool:
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer" or not token:
        return False
    try:
        claims = jwt.decode(
            token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]}
        )
    except jwt.PyJWTError:
        return False
    return bool(claims.get("iss") == SERVICE_ID)


def start() -> tuple[NotifyStub, ThreadingHTTPServer]:
    stub = NotifyStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status, answer = stub.answer(self.path, self.headers.get("Authorization", ""), body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: addresses are in the bodies

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return stub, server


def running() -> Iterator[NotifyStub]:
    stub, server = start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
