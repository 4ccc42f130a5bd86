"""A stand-in REST channel speaking its protocol: sessions (POST /webhooks/rest/session), canned
contract replies to messages carrying a session token, CORS open to any page."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, List

SAMPLES_FILE = Path(__file__).with_name("contract_samples.json")
SAMPLES = json.loads(SAMPLES_FILE.read_text(encoding="utf-8"))["replies"]


def reply_for(message: str) -> List[Dict[str, Any]]:
    for prefix, messages in SAMPLES:
        if message.startswith(prefix):
            return messages
    # Anything else is echoed back, as a careless bot might: the widget must still show it as text.
    return [{"text": f"您说：{message}"}]


class FakeRasa:
    def __init__(self, port: int = 0) -> None:
        self.received: List[Dict[str, Any]] = []
        self.sessions: List[Dict[str, Any]] = []  # every session request, with what was granted
        self.host_page = ""  # GET / answers with this HTML: a third-party page embedding the widget
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Headers",
                                 "Content-Type, Authorization")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")

            def do_OPTIONS(self) -> None:  # noqa: N802 - the CORS preflight
                self.send_response(204)
                self._cors()
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802
                out = fake.host_page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.endswith("/session"):
                    return self._session(body)
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                granted = next((s for s in reversed(fake.sessions) if s["session_token"] == token), None)
                if granted is None:
                    return self._send(401, {"error": "session_required"})
                fake.received.append({**body, "sender": body.get("sender", granted["conversation_id"]),
                                      "identity_token": granted["identity_token"]})
                self._send(200, [{"recipient_id": granted["conversation_id"], **m}
                                 for m in reply_for(str(body.get("message", "")))])

            def _session(self, body: Dict[str, Any]) -> None:
                previous = next((s for s in fake.sessions if s["session_token"] == body.get("session_token")), None)
                identity = body.get("identity_token", previous["identity_token"] if previous else "") or ""
                granted = {"conversation_id": previous["conversation_id"] if previous
                           else f"web-fake-{len(fake.sessions)}", "session_token": f"fake-token-{len(fake.sessions)}",
                           "expires_at": 4102444800, "signed_in": bool(identity), "identity_token": identity}
                fake.sessions.append(granted)
                self._send(200, {k: v for k, v in granted.items() if k != "identity_token"})

            def _send(self, status: int, payload: Any) -> None:
                out = json.dumps(payload).encode()
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeRasa:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
